#!/usr/bin/env bash
# install-go-tool.sh MODULE VERSION NAME: go install a pinned tool into
# $ZKFN_CACHE/bin as NAME-VERSION, once. Pinned names let several versions
# coexist and make a stale cache impossible to use by accident.
set -euo pipefail
module=$1 version=$2 name=$3
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
dest="$ZKFN_CACHE/bin/$name-$version"
[ -x "$dest" ] && exit 0
mkdir -p "$ZKFN_CACHE/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "installing $module@$version into $dest" >&2
GOBIN="$tmp" GOFLAGS=-mod=mod go install "$module@$version"
mv "$tmp/$(basename "${module%/v[0-9]*}")" "$dest" 2>/dev/null || mv "$tmp"/* "$dest"
