#!/usr/bin/env bash
# Rendered by zookeeper-fn. Liveness: the server process answers. Losing
# quorum alone does not fail it: restarting members cannot bring a quorum
# back and would turn a network partition into a restart storm.
set -uo pipefail
port="${ZK_CLIENT_PORT:-2181}"

if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "zookeeper-fn: nothing listens on port $port" >&2
  exit 1
fi
printf 'ruok' >&3
reply=""
IFS= read -r -t 4 -n 4 reply <&3 || true
exec 3<&-

if [ "$reply" = "imok" ]; then
  exit 0
fi
echo "zookeeper-fn: no imok from the server (got '${reply}')" >&2
exit 1
