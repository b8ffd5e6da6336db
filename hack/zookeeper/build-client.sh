#!/usr/bin/env bash
# build-client.sh: compile ZkClient.java with the machine's javac against
# Debian's zookeeper.jar, once, into $ZKFN_CACHE/zookeeper/client-<key>/,
# and print that directory. The key covers the source, the jar and javac, so
# a change to any of them builds a fresh copy and a stale one is never used.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
jar=/usr/share/java/zookeeper.jar
src="$here/ZkClient.java"
command -v javac >/dev/null || { echo "build-client.sh: javac not found: run hack/zookeeper/install.sh" >&2; exit 1; }
[ -r "$jar" ] || { echo "build-client.sh: $jar not found: run hack/zookeeper/install.sh" >&2; exit 1; }
key=$( { sha256sum "$src" "$jar" | cut -d' ' -f1; readlink -f "$(command -v javac)"; } | sha256sum | cut -c1-16)
dest="$ZKFN_CACHE/zookeeper/client-$key"
if [ ! -f "$dest/ZkClient.class" ]; then
	mkdir -p "$ZKFN_CACHE/zookeeper"
	tmp=$(mktemp -d "$ZKFN_CACHE/zookeeper/.client.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	javac -nowarn -d "$tmp" -cp "$jar" "$src" >&2
	# Another run (make test's other lane) may have built the same key
	# meanwhile: its copy is as good, and removing it could pull it from
	# under a suite that uses it. Keep the first, drop ours.
	if [ -d "$dest" ] && [ ! -f "$dest/ZkClient.class" ]; then
		rm -rf "$dest" # a broken copy, from before builds were atomic
	fi
	mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"
	trap - EXIT
fi
echo "$dest"
