#!/usr/bin/env bash
# version.sh: the version `make` stamps when VERSION is not given: the
# nearest release tag (v0.1.0, or v0.1.0-3-g<sha> after it), or
# v0.0.0-dev.<sha> before the first tag; "-dirty" when the work tree has
# changes. Always a valid semantic version and image tag.
set -euo pipefail
cd "$(dirname "$0")/../.."
if v=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	echo "$v"
elif sha=$(git rev-parse --short=12 HEAD 2>/dev/null); then
	dirty=$(git diff --quiet HEAD 2>/dev/null || echo .dirty)
	echo "v0.0.0-dev.$sha$dirty"
else
	echo v0.0.0-dev
fi
