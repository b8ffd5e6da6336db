#!/usr/bin/env bash
# sandbox.sh ROOT DIRS -- COMMAND...: run COMMAND as the end-to-end suite's
# private machine. Call it under
#   unshare --net --mount --pid --fork --propagation private
# so that nothing it does reaches the host: a new network namespace (the host
# network is untouched), a private mount namespace, and a pid namespace whose
# processes the kernel kills when COMMAND (its pid 1) exits, however the test
# ends.
#
# ROOT (an empty directory) becomes a tmpfs root that bind-mounts every
# top-level entry of / at the same path, except:
#   DIRS   comma-separated top-level directories (/conf,/data,...), mount
#          points for the members' volumes: created empty when / has no
#          such entry (one that exists, like /tmp, is bound as usual and
#          each member mounts its volume over it in its own namespace);
#   /run   a fresh tmpfs, so the files of `ip netns add` stay in here;
#   /proc  a fresh procfs for the new pid namespace.
# COMMAND then runs chroot'ed there, in the current directory. Nothing is
# written outside ROOT (mount -n: no /run/mount/utab on the host).
set -euo pipefail
if [ $# -lt 4 ] || [ "$3" != "--" ]; then
	echo "usage: sandbox.sh ROOT DIRS -- COMMAND..." >&2
	exit 2
fi
root=$1
IFS=, read -r -a dirs <<<"$2"
shift 3
cwd=$PWD

skip=" run proc "
for d in "${dirs[@]}"; do
	case "$d" in
	/*/* | /) echo "sandbox.sh: $d: only top-level directories can be mount points" >&2; exit 2 ;;
	/*) [ -e "$d" ] || skip+="${d#/} " ;;
	*) echo "sandbox.sh: $d is not an absolute path" >&2; exit 2 ;;
	esac
done

mount -n -t tmpfs -o mode=0755 zkfn-root "$root"
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
	[ -e "$root$d" ] || mkdir -m 0755 "$root$d"
done
mount -n -t tmpfs -o mode=0755 zkfn-run "$root/run"
mkdir -p "$root/run/netns" "$root/run/lock"
mount -n -t proc proc "$root/proc"
ip link set lo up
# The single quotes are meant: the inner shell expands $1 and $@.
# shellcheck disable=SC2016
exec chroot "$root" /bin/bash -c 'cd "$1" && shift && exec "$@"' sandbox "$cwd" "$@"
