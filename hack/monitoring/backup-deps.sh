#!/usr/bin/env bash
# backup-deps.sh: what the backup scripts call that hack/zookeeper/install.sh
# does not install: curl and openssl (S3 requests), tar, gzip, cmp. The
# official zookeeper image has them all; the e2e-backup suite runs the
# scripts on this machine. Installs only what is missing, with apt-get;
# fails loudly when it cannot.
set -euo pipefail
declare -A pkg=([curl]=curl [openssl]=openssl [tar]=tar [gzip]=gzip [cmp]=diffutils [sha256sum]=coreutils [od]=coreutils)
need=()
for c in "${!pkg[@]}"; do
	command -v "$c" >/dev/null || need+=("${pkg[$c]}")
done
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
	echo "hack/monitoring/backup-deps.sh: need root to install: ${need[*]}" >&2
	exit 1
fi
echo "hack/monitoring/backup-deps.sh: apt-get install ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# One apt at a time: make test's lanes may both install (hack/zookeeper/install.sh).
exec 8>/tmp/zookeeper-fn-apt.lock
flock 8
w=(-o DPkg::Lock::Timeout=600)
apt-get "${w[@]}" install -y -qq --no-install-recommends "${need[@]}" >&2 ||
	{ apt-get "${w[@]}" update -qq && apt-get "${w[@]}" install -y -qq --no-install-recommends "${need[@]}" >&2; }
