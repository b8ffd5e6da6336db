#!/usr/bin/env bash
# suite.sh TARGET...: run each make target in turn, as `make test` does, with
# one line as it starts and one as it ends (with its time), so a suite with a
# long timeout shows it is running. Stops at the first failure, like make,
# and ends with the time of every suite.
set -uo pipefail
make=${MAKE:-make}
n=$#
i=0
summary=()
total=$(date +%s)
fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
for target in "$@"; do
	i=$((i + 1))
	start=$(date +%s)
	echo "==> [$i/$n] $target: started at $(date -u +%H:%M:%S) UTC" >&2
	"$make" --no-print-directory "$target"
	rc=$?
	took=$(fmt $(($(date +%s) - start)))
	summary+=("$(printf '  %-16s %s' "$target" "$took")")
	if [ "$rc" != 0 ]; then
		echo "<== [$i/$n] $target: FAILED after $took (exit $rc)" >&2
		exit "$rc"
	fi
	echo "<== [$i/$n] $target: passed in $took" >&2
done
echo "make test: all $n suites passed in $(fmt $(($(date +%s) - total)))" >&2
printf '%s\n' "${summary[@]}" >&2
