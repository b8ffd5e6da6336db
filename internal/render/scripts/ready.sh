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
# until it has added itself: not ready, so no rolling update goes on
# before it votes.
if [ -f "${ZOOCFGDIR:-/conf}/membership.sh" ]; then
  host="${HOSTNAME:-$(hostname)}"
  myid=$((10#${host##*-} + 1))
  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
  printf 'conf' >&3
  voter=false
  while IFS= read -r -t 4 line <&3; do
    case "$line" in
      "server.$myid="*:participant | "server.$myid="*:participant\;*) voter=true ;;
    esac
  done
  exec 3<&-
  if [ "$voter" != true ]; then
    echo "zookeeper-fn: server $myid is not a voter yet" >&2
    exit 1
  fi
fi
exit 0
