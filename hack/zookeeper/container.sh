#!/usr/bin/env bash
# container.sh: run a command the way the kubelet runs a container of the
# rendered StatefulSet, inside the e2e sandbox (hack/zookeeper/sandbox.sh).
# Call it in the member's network namespace under
#   unshare --mount --uts --propagation private
# (so every mount below is the member's own) as:
#   container.sh HOSTNAME RO_ROOT USER MOUNT... -- COMMAND...
# MOUNT is SRC:DST:ro or SRC:DST:rw, one per volumeMount of the container
# (the ConfigMap at /conf, the data volume at /data, ...). RO_ROOT=true
# makes every other mount read-only, as readOnlyRootFilesystem does. USER
# is the pod's securityContext as comma-separated setpriv(1) options
# (--reuid=1000,--regid=1000,--groups=1000,--no-new-privs); the command
# runs with them and the caller's environment.
set -euo pipefail
host=$1 roroot=$2
IFS=, read -r -a user <<<"$3"
shift 3
volumes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	volumes+=("$1")
	shift
done
[ "${1:-}" = "--" ] || { echo "container.sh: missing -- COMMAND" >&2; exit 2; }
shift
[ $# -gt 0 ] || { echo "container.sh: no command" >&2; exit 2; }

hostname "$host"
dsts=()
for v in "${volumes[@]}"; do
	IFS=: read -r src dst mode <<<"$v"
	[ -d "$dst" ] || { echo "container.sh: mount point $dst does not exist in the sandbox (sandbox.sh creates the volume mount points)" >&2; exit 1; }
	mount -n --bind "$src" "$dst"
	[ "$mode" = ro ] && mount -n -o remount,bind,ro "$dst"
	dsts+=("$dst")
done

if [ "$roroot" = true ]; then
	mount -n -o remount,bind,ro /
	# The top-level mount points (field 5 of mountinfo), read once.
	mps=" $(awk '$5 ~ /^\/[^/]+$/ {printf "%s ", $5}' /proc/self/mountinfo)"
	for d in /*; do
		[ -L "$d" ] && continue
		case " ${dsts[*]} /proc /sys /dev " in *" $d "*) continue ;; esac
		case "$mps" in *" $d "*) mount -n -o remount,bind,ro "$d" ;; esac
	done
fi

exec setpriv "${user[@]}" -- "$@"
