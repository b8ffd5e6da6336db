#!/usr/bin/env bash
# Runs shellcheck on every shell script the repository tracks (*.sh, and
# files whose first line runs sh or bash). When the linter is missing it
# installs Debian's package (needs root, like hack/zookeeper/install.sh), or
# fails naming the package to install.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
log() { echo "shellcheck.sh: $*" >&2; }

if ! command -v shellcheck >/dev/null; then
	if [ "$(id -u)" != 0 ]; then
		log "shellcheck is missing: install Debian's shellcheck (apt-get install shellcheck) or run as root"
		exit 1
	fi
	log "installing shellcheck with apt-get"
	mkdir -p "$ZKFN_CACHE"
	aptlog="$ZKFN_CACHE/apt-shellcheck.log"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q --no-install-recommends shellcheck >"$aptlog" 2>&1; then
		apt-get update -q >>"$aptlog" 2>&1 || true
		apt-get install -y -q --no-install-recommends shellcheck >>"$aptlog" 2>&1 ||
			{ tail -n 30 "$aptlog" >&2; log "apt-get install shellcheck failed: install it by hand"; exit 1; }
	fi
fi

scripts=()
while IFS= read -r f; do
	[ -f "$f" ] || continue
	case "$f" in
	*.sh) scripts+=("$f") ;;
	*) head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh([[:space:]]|$)' && scripts+=("$f") ;;
	esac
done < <(git ls-files)
[ ${#scripts[@]} -gt 0 ] || { log "no shell scripts found"; exit 1; }
shellcheck --external-sources "${scripts[@]}"
log "${#scripts[@]} scripts clean ($(shellcheck --version | sed -n 's/^version: //p'))"
