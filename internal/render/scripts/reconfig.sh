#!/usr/bin/env bash
# Rendered by zookeeper-fn. ZooKeeper's reconfig, as the digest superuser
# whose password is in $ZKFN_SUPERUSER_FILE, through this member:
#   reconfig.sh add 'server.N=HOST:2888:3888;2181'
#   reconfig.sh remove N
# The password goes to ZooKeeper's own client on stdin, never on a
# command line.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: reconfig.sh add SERVER_LINE | remove ID" >&2; exit 2; }
case "$1" in add | remove) ;; *) echo "reconfig.sh: add or remove, not '$1'" >&2; exit 2 ;; esac
conf_dir="${ZOOCFGDIR:-/conf}"
zk_home=$(cd "$(dirname "$(command -v zkServer.sh)")/.." && pwd)
out=$({
  printf 'addauth digest super:'
  cat "$ZKFN_SUPERUSER_FILE"
  printf '\nreconfig -%s %s\nquit\n' "$1" "$2"
} | timeout 30 java -Xmx64m -cp "$conf_dir:$zk_home/lib/*" org.apache.zookeeper.ZooKeeperMain -server 127.0.0.1:2181 2>&1) || true
if printf '%s\n' "$out" | grep -q '^Committed new configuration'; then
  echo "zookeeper-fn: reconfig $1 $2: committed" >&2
  exit 0
fi
echo "zookeeper-fn: reconfig $1 $2 failed:" >&2
printf '%s\n' "$out" | grep -vE '^\s*$|^WATCHER|^WatchedEvent|^(Connecting|Welcome|JLine)' | tail -n 5 >&2
exit 1
