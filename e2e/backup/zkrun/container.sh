#!/usr/bin/env bash
# container.sh HOST RO_ROOT SETPRIV_OPTS MOUNT... -- COMMAND...: run
# COMMAND as the kubelet runs a container, inside zkrun's sandbox and a
# member's network namespace, under unshare --mount --uts: hostname HOST,
# each MOUNT (SRC:DST:ro|rw) bind-mounted, every other mount read-only
# when RO_ROOT is true (readOnlyRootFilesystem), and the pod's user from
# SETPRIV_OPTS (comma-separated setpriv options: --reuid=1000,...).
# (After hack/zookeeper/container.sh, reduced to what zkrun needs.)
set -euo pipefail
host=$1 roroot=$2
IFS=, read -r -a user <<<"$3"
shift 3
volumes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	volumes+=("$1")
	shift
done
if [ "${1:-}" != "--" ] || [ $# -le 1 ]; then echo "container.sh: missing -- COMMAND" >&2; exit 2; fi
shift
hostname "$host"
dsts=()
for v in "${volumes[@]}"; do
	IFS=: read -r src dst mode <<<"$v"
	[ -d "$dst" ] || { echo "container.sh: no mount point $dst in the sandbox" >&2; exit 1; }
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
exec setpriv "${user[@]}" -- "$@"
