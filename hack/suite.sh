#!/usr/bin/env bash
# suite.sh TARGET... [-- LANE... [-- LANE...]]: run make targets as
# `make test` does, with one line as each starts and one as it ends (with
# its time), so a suite with a long timeout shows it is running.
#
# The targets before the first `--` run in turn, their output streamed; a
# failure stops everything, like make. Each group after a `--` is a lane:
# the lanes run at the same time, each running its targets in turn and
# stopping at its own first failure. A lane's suite writes to a log that
# is printed whole when the suite ends, so two lanes' output never
# interleaves. The lanes exist because most of a real-ZooKeeper suite's
# time is spent waiting (elections, session timeouts, a writer's pace), not
# computing: a second lane uses the time the first one sleeps.
#
# Ends with the time of every suite and exits non-zero when any failed.
set -uo pipefail
make=${MAKE:-make}
total=$(date +%s)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# run TAG TARGET [LOG]: one suite with its start and end lines; its time
# goes to $logs/times. With LOG the output goes there and is printed at
# the end, in one piece.
run() {
	local tag=$1 target=$2 log=${3:-} start rc took
	start=$(date +%s)
	echo "==> $tag $target: started at $(date -u +%H:%M:%S) UTC" >&2
	if [ -n "$log" ]; then
		"$make" --no-print-directory "$target" >"$log" 2>&1
		rc=$?
	else
		"$make" --no-print-directory "$target"
		rc=$?
	fi
	took=$(fmt $(($(date +%s) - start)))
	printf '  %-22s %s%s\n' "$target" "$took" "$([ "$rc" = 0 ] || echo "  FAILED (exit $rc)")" >>"$logs/times"
	if [ -n "$log" ]; then
		# One cat of one file, so the other lane's lines cannot land in
		# the middle (short of a log above cat's buffer).
		{ echo "---- output of $target ($tag) ----"; cat "$log"; } >"$log.all"
		cat "$log.all" >&2
	fi
	if [ "$rc" != 0 ]; then
		echo "<== $tag $target: FAILED after $took (exit $rc)" >&2
		return "$rc"
	fi
	echo "<== $tag $target: passed in $took" >&2
}

# lane N TARGET...: the lane's targets in turn, stopping at a failure.
lane() {
	local n=$1 target
	shift
	for target in "$@"; do
		run "[lane $n]" "$target" "$logs/lane$n.$target.log" || return 1
	done
}

finish() {
	local rc=$1 verdict="all suites passed"
	[ "$rc" = 0 ] || verdict="FAILED"
	echo "make test: $verdict in $(fmt $(($(date +%s) - total)))" >&2
	cat "$logs/times" >&2
	exit "$rc"
}

: >"$logs/times"
seq=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	seq+=("$1")
	shift
done
i=0
for target in "${seq[@]}"; do
	i=$((i + 1))
	run "[$i/${#seq[@]}]" "$target" || finish 1
done

pids=()
n=0
while [ $# -gt 0 ]; do
	shift # the --
	group=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		group+=("$1")
		shift
	done
	[ ${#group[@]} -gt 0 ] || continue
	n=$((n + 1))
	echo "==> lane $n: ${group[*]}" >&2
	lane "$n" "${group[@]}" &
	pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do
	wait "$pid" || rc=1
done
finish "$rc"
