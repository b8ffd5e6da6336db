#!/usr/bin/env bash
# install.sh: build rulecheck (hack/monitoring/rulecheck: Prometheus' own
# rule-file and PromQL parsers, github.com/prometheus/prometheus v0.316.0,
# from the Go module proxy) once into $ZKFN_CACHE/bin and print its path.
# The binary's name carries a hash of its source and go.sum, so a change
# to either builds a fresh one and a stale one is never used.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
src="$here/rulecheck"
key=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" <(go version) | sha256sum | cut -c1-16)
bin="$ZKFN_CACHE/bin/rulecheck-$key"
if [ ! -x "$bin" ]; then
	mkdir -p "$ZKFN_CACHE/bin"
	echo "hack/monitoring/install.sh: building rulecheck (Prometheus v0.316.0 parsers; first time about 2 minutes)" >&2
	(cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -o "$bin.tmp" .)
	mv "$bin.tmp" "$bin"
fi
echo "$bin"
