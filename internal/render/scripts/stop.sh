#!/usr/bin/env bash
# Rendered by zookeeper-fn. preStop with dynamic membership: the member
# removes itself from the membership before it stops, so that the voters
# left form the majority of the new membership (scale-down deletes the
# highest ordinals at once; a rolling update adds each member back when
# it starts) and no observer is left listed that nobody runs. The last
# voter stays. A removal that fails (no quorum) leaves the member listed,
# as a crash would.
set -uo pipefail
conf_dir="${ZOOCFGDIR:-/conf}"
host="${HOSTNAME:-$(hostname)}"
# Its id from the server line naming this pod, as start.sh reads it.
line=$(grep -E -m 1 "^server\.[0-9]+=$host\." "$conf_dir/servers" || true)
myid="${line%%=*}"
myid="${myid#server.}"
[ -n "$myid" ] || exit 0
conf=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf conf >&3 && cat <&3' 2>/dev/null | sed -n '/^membership:/,$p')
voters=$(printf '%s\n' "$conf" | grep -cE '^server\.[0-9]+=.*:participant(;|$)')
if printf '%s\n' "$conf" | grep -qE "^server\.$myid=.*:participant(;|$)"; then
  [ "$voters" -gt 1 ] || exit 0
elif ! printf '%s\n' "$conf" | grep -qE "^server\.$myid=.*:observer(;|$)"; then
  exit 0
fi
for _ in 1 2 3 4 5 6 7 8; do
  bash "$conf_dir/reconfig.sh" remove "$myid" && exit 0
  sleep 2
done
exit 1
