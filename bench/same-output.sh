#!/usr/bin/env bash
# bench/same-output.sh OLD_BIN NEW_BIN: proves that two builds of the
# function behave the same, byte for byte, before an optimisation is
# merged (docs/performance.md). For every YAML file the repository holds
# (testdata: golden, hostile, fuzz seeds, e2e inputs; examples, base,
# overlays) it runs both binaries with the file on stdin, as
# `BIN FILE` and as `BIN FILE FILE` (standalone mode), and it runs
# `kustomize build` on every overlay and every testdata/kustomize case
# with each binary first on PATH as zookeeper-fn. It compares stdout,
# stderr and the exit code of every run and prints the cases that differ;
# it exits non-zero if any does. KUSTOMIZE names the kustomize binary
# (`make tools` installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "same-output.sh: $*" >&2; }
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
	log "usage: bench/same-output.sh OLD_BIN NEW_BIN (two executable builds of zookeeper-fn)"
	exit 2
fi
kustomize=${KUSTOMIZE:-$(command -v kustomize || true)}
if [ -z "$kustomize" ] || [ ! -x "$kustomize" ]; then
	log "kustomize not found: run \`make tools\` and set KUSTOMIZE to its path"
	exit 2
fi
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each binary, named zookeeper-fn, in a directory of its own for PATH.
for v in old new; do
	mkdir -p "$work/$v/bin" "$work/$v/out"
done
cp "$1" "$work/old/bin/zookeeper-fn"
cp "$2" "$work/new/bin/zookeeper-fn"

# The kustomize cases, laid out as the e2e suites lay them out: the
# testdata cases reach the base through ../../../base.
mkdir -p "$work/tree/k/c"
cp -r base overlays "$work/tree/"
cp -r testdata/kustomize/. "$work/tree/k/c/"

# run VARIANT NAME STDIN [ARGS...]: one run, its stdout, stderr and exit
# code kept under VARIANT/out/NAME.
run() {
	local v=$1 name=$2 stdin=$3
	shift 3
	local out="$work/$v/out/$name" rc=0
	timeout 120 "$work/$v/bin/zookeeper-fn" "$@" <"$stdin" >"$out.stdout" 2>"$out.stderr" || rc=$?
	echo "$rc" >"$out.rc"
}

# kbuild VARIANT NAME DIR: kustomize build DIR with VARIANT's binary.
kbuild() {
	local v=$1 name=$2 dir=$3
	local out="$work/$v/out/$name" rc=0
	(cd "$work/tree" && PATH="$work/$v/bin:$PATH" prlimit --as=4294967296 -- timeout 300 \
		"$kustomize" build --enable-alpha-plugins --enable-exec "$dir") \
		>"$out.stdout" 2>"$out.stderr" || rc=$?
	echo "$rc" >"$out.rc"
}

n=0
while IFS= read -r f; do
	key=${f//\//_}
	for v in old new; do
		run "$v" "stdin-$key" "$f"
		run "$v" "config-$key" /dev/null "$repo/$f"
		run "$v" "twice-$key" /dev/null "$repo/$f" "$repo/$f"
	done
	n=$((n + 1))
done < <(git ls-files -- 'testdata/*.yaml' 'examples/*.yaml' 'base/*.yaml' 'overlays/*.yaml' | sort)
for v in old new; do
	run "$v" help /dev/null --help
	run "$v" missing-config /dev/null "$repo/testdata/absent.yaml"
	run "$v" missing-input /dev/null "$repo/base/zookeeper.yaml" "$repo/testdata/absent.yaml"
done
k=0 kfail=0
for dir in $(cd "$work/tree" && ls -d overlays/* k/c/*); do
	[ -f "$work/tree/$dir/kustomization.yaml" ] || continue
	for v in old new; do
		kbuild "$v" "kustomize-${dir//\//_}" "$dir"
	done
	k=$((k + 1))
	[ "$(cat "$work/new/out/kustomize-${dir//\//_}.rc")" = 0 ] || kfail=$((kfail + 1))
done

runs=$(find "$work/new/out" -name '*.rc' | wc -l)
if diff -r "$work/old/out" "$work/new/out" >"$work/diff" 2>&1; then
	log "same stdout, stderr and exit code for all $runs runs ($n files on stdin, as a config and twice; --help; missing files; $k kustomize builds, $kfail of them failing alike)"
	exit 0
fi
grep -E '^(diff|Only)' "$work/diff" >&2 || true
log "the builds differ (above); first lines of the diff:"
head -n 60 "$work/diff" >&2
exit 1
