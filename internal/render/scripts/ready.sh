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
  leader | follower | observer | standalone) exit 0 ;;
esac
echo "zookeeper-fn: not serving in a quorum (mode: ${mode:-none})" >&2
exit 1
