#!/usr/bin/env bash
# Rendered by zookeeper-fn. Readiness: ready only while the member serves
# as part of a quorum (leader, follower, observer) or runs standalone. A
# member that is up but out of quorum, or in read-only mode, is not ready,
# so a rolling update waits until the restarted member has rejoined.
# Uses bash's /dev/tcp, which every bash has, instead of nc, whose
# variants differ in how they wait for the reply.
set -uo pipefail
port="${ZK_CLIENT_PORT:-2181}"

if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "zookeeper-fn: nothing listens on port $port" >&2
  exit 1
fi
printf 'srvr' >&3
mode=""
while IFS= read -r -t 4 line <&3; do
  case "$line" in
    Mode:*) mode="${line#Mode: }" ;;
  esac
done
exec 3<&-

case "$mode" in
  leader | follower | observer | standalone) ;;
  *)
    echo "zookeeper-fn: not serving in a quorum (mode: ${mode:-none})" >&2
    exit 1
    ;;
esac
# With dynamic membership a member that joined is a non-voting follower
# (or an observer nobody lists) until it has added itself: not ready, so
# no rolling update goes on before it votes (or observes). Its id and
# role are those of the server line naming this pod, as start.sh reads
# them.
conf_dir="${ZOOCFGDIR:-/conf}"
if [ -f "$conf_dir/membership.sh" ]; then
  host="${HOSTNAME:-$(hostname)}"
  own=$(grep -E -m 1 "^server\.[0-9]+=$host\." "$conf_dir/servers") || exit 1
  myid="${own%%=*}"
  myid="${myid#server.}"
  role=participant
  case "${own%%;*}" in *:observer) role=observer ;; esac
  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
  printf 'conf' >&3
  member=false
  while IFS= read -r -t 4 line <&3; do
    case "$line" in
      "server.$myid="*:"$role" | "server.$myid="*:"$role"\;*) member=true ;;
    esac
  done
  exec 3<&-
  if [ "$member" != true ]; then
    echo "zookeeper-fn: server $myid is not a member ($role) yet" >&2
    exit 1
  fi
fi
exit 0
