#!/usr/bin/env bash
# Rendered by zookeeper-fn. The probes when the plaintext client port is
# closed: they ask ZooKeeper's admin server, which listens on 127.0.0.1
# only, instead of a four-letter word on the client port (the image has
# no TLS client for a 4lw). "ready": serving in a quorum (leader,
# follower, observer) or standalone; "live": the server answers ruok.
set -uo pipefail
port="${ZK_ADMIN_PORT:-8080}"
what="${1:-live}"
cmd=ruok
[ "$what" = ready ] && cmd=srvr

if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "zookeeper-fn: the admin server does not listen on 127.0.0.1:$port" >&2
  exit 1
fi
printf 'GET /commands/%s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$cmd" >&3
body=""
while IFS= read -r -t 4 line <&3; do
  body+="$line"
done
exec 3<&-

case "$what" in
  live)
    case "$body" in
      *'"command" : "ruok"'* | *'"command":"ruok"'*) exit 0 ;;
    esac
    echo "zookeeper-fn: no ruok answer from the admin server" >&2
    ;;
  ready)
    case "$body" in
      *'"server_state" : "leader"'* | *'"server_state" : "follower"'* | *'"server_state" : "observer"'* | *'"server_state" : "standalone"'*) exit 0 ;;
    esac
    echo "zookeeper-fn: not serving in a quorum" >&2
    ;;
esac
exit 1
