#!/usr/bin/env bash
# install.sh: install what the real-ZooKeeper suites (e2e/zkrun) need
# from Debian's packages, once. Idempotent: it runs `apt-get update`
# only when a package is missing and apt does not know it, and installs only
# what is missing. It needs root (or passwordless sudo) and fails loudly,
# naming the packages, when it cannot install them.
#
#   zookeeper                 Debian's ZooKeeper (3.8 on Debian 12): the jars
#                             in /usr/share/java and zkCli.sh
#   iproute2                  `ip netns` for one network namespace per member
#   util-linux                unshare(1) and nsenter(1)
#   openjdk-17-jdk-headless   java for the servers, javac for the small
#                             read-only client the suite compiles
set -euo pipefail

packages=(zookeeper iproute2 util-linux openjdk-17-jdk-headless)

# What each package must provide; checked after installing, so a broken
# install fails here and not in the middle of the suite.
check() {
	local missing=()
	[ -r /usr/share/java/zookeeper.jar ] || missing+=("/usr/share/java/zookeeper.jar (package zookeeper)")
	[ -x /usr/share/zookeeper/bin/zkCli.sh ] || missing+=("/usr/share/zookeeper/bin/zkCli.sh (package zookeeper)")
	command -v ip >/dev/null || missing+=("ip (package iproute2)")
	command -v unshare >/dev/null || missing+=("unshare (package util-linux)")
	command -v nsenter >/dev/null || missing+=("nsenter (package util-linux)")
	command -v java >/dev/null || missing+=("java (package openjdk-17-jdk-headless)")
	command -v javac >/dev/null || missing+=("javac (package openjdk-17-jdk-headless)")
	command -v jcmd >/dev/null || missing+=("jcmd (package openjdk-17-jdk-headless; zkrun takes thread dumps with it)")
	if [ ${#missing[@]} -gt 0 ]; then
		printf '%s\n' "$@" >&2
		printf 'missing: %s\n' "${missing[@]}" >&2
		return 1
	fi
}

need=()
for p in "${packages[@]}"; do
	# A JDK of another version satisfies the java/javac need.
	if [ "$p" = openjdk-17-jdk-headless ] && command -v javac >/dev/null && command -v java >/dev/null; then
		continue
	fi
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		need+=("$p")
	fi
done

if [ ${#need[@]} -gt 0 ]; then
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			echo "hack/zookeeper/install.sh: need root to install: ${need[*]}" >&2
			echo "  run as root: apt-get update && apt-get install -y --no-install-recommends ${need[*]}" >&2
			exit 1
		fi
	fi
	export DEBIAN_FRONTEND=noninteractive
	# make test runs suites in two lanes: both may get here at once on a
	# fresh machine, and apt-get fails at once on a held lock. One at a
	# time; apt also waits for anyone else's dpkg lock.
	exec 8>/tmp/zookeeper-fn-apt.lock
	flock 8
	apt_wait=(-o DPkg::Lock::Timeout=600)
	# Update the package lists only when apt has no candidate for a package.
	for p in "${need[@]}"; do
		cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
		if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
			echo "hack/zookeeper/install.sh: apt-get update (no candidate for $p)" >&2
			"${sudo[@]}" apt-get "${apt_wait[@]}" update -qq >&2
			break
		fi
	done
	echo "hack/zookeeper/install.sh: apt-get install ${need[*]}" >&2
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	if ! "${sudo[@]}" apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${need[@]}" >"$log" 2>&1; then
		cat "$log" >&2
		echo "hack/zookeeper/install.sh: apt-get install failed; install by hand:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends ${need[*]}" >&2
		exit 1
	fi
fi

check "hack/zookeeper/install.sh: installed packages do not provide what the suite needs;" \
	"  try: apt-get install --reinstall -y --no-install-recommends ${packages[*]}"
