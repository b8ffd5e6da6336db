#!/usr/bin/env bash
# container.sh: run a command the way the kubelet runs a container of the
# rendered StatefulSet, inside the e2e sandbox (hack/zookeeper/sandbox.sh).
# Call it in the member's network namespace under
#   unshare --mount --uts --propagation private
# (so every mount below is the member's own) as:
#   container.sh HOSTNAME UID GID GROUPS RO_ROOT MOUNT... -- COMMAND...
# MOUNT is SRC:DST:ro or SRC:DST:rw, one per volumeMount of the container
# (the ConfigMap at /conf, the data volume at /data, ...). RO_ROOT=true
# makes every other mount read-only, as readOnlyRootFilesystem does. The
# command then runs as UID:GID with supplementary GROUPS (comma-separated,
# the pod's fsGroup; "-" for none) and the caller's environment.
set -euo pipefail
host=$1 uid=$2 gid=$3 groups=$4 roroot=$5
shift 5
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
	for d in /*; do
		[ -L "$d" ] && continue
		case " ${dsts[*]} /proc /sys /dev " in *" $d "*) continue ;; esac
		if mountpoint -q "$d"; then
			mount -n -o remount,bind,ro "$d"
		fi
	done
fi

if [ "$groups" = - ]; then
	exec setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
fi
exec setpriv --reuid="$uid" --regid="$gid" --groups="$groups" -- "$@"
