#!/usr/bin/env bash
# sandbox.sh ROOT DIRS -- COMMAND...: run COMMAND chroot'ed in ROOT, a tmpfs
# that bind-mounts every top-level entry of / except DIRS (comma-separated
# top-level mount points for the pods' volumes, created empty), /run (a
# fresh tmpfs, so `ip netns` files stay inside) and /proc (fresh, for the
# new pid namespace). Call it under
#   unshare --net --mount --pid --fork --propagation private
# so nothing reaches the host and every process dies with COMMAND.
# (After hack/zookeeper/sandbox.sh, reduced to what zkrun needs.)
set -euo pipefail
if [ $# -lt 4 ] || [ "$3" != "--" ]; then echo "usage: sandbox.sh ROOT DIRS -- COMMAND..." >&2; exit 2; fi
root=$1
IFS=, read -r -a dirs <<<"$2"
shift 3
cwd=$PWD
skip=" run proc "
for d in "${dirs[@]}"; do
	case "$d" in
	/*/* | /) echo "sandbox.sh: $d: only top-level directories" >&2; exit 2 ;;
	/*) skip+="${d#/} " ;;
	*) echo "sandbox.sh: $d is not absolute" >&2; exit 2 ;;
	esac
done
mount -n -t tmpfs -o mode=0755 zkrun-root "$root"
for e in /* /.[!.]*; do
	[ -e "$e" ] || [ -L "$e" ] || continue
	n=${e#/}
	case "$skip" in *" $n "*) continue ;; esac
	if [ -L "$e" ]; then
		ln -s "$(readlink "$e")" "$root/$n"
	elif [ -d "$e" ]; then
		mkdir "$root/$n"
		mount -n --rbind "$e" "$root/$n"
	else
		touch "$root/$n"
		mount -n --bind "$e" "$root/$n"
	fi
done
mkdir -m 0755 "$root/run" "$root/proc"
for d in "${dirs[@]}"; do
	mkdir -m 0755 "$root$d"
done
mount -n -t tmpfs -o mode=0755 zkrun-run "$root/run"
mkdir -p "$root/run/netns" "$root/run/lock"
mount -n -t proc proc "$root/proc"
ip link set lo up
# shellcheck disable=SC2016 # $1 and $@ expand in the chroot'ed bash, not here
exec chroot "$root" /bin/bash -c 'cd "$1" && shift && exec "$@"' sandbox "$cwd" "$@"
