#!/usr/bin/env bash
# Rendered by zookeeper-fn. Starts one ensemble member. It runs in the
# official zookeeper image, whose Dockerfile installs bash, puts
# zkServer.sh on PATH and sets ZOOCFGDIR=/conf.
set -euo pipefail

conf_dir="${ZOOCFGDIR:-/conf}"
cfg="$conf_dir/zoo.cfg"
host="${HOSTNAME:-$(hostname)}"
# The server line naming this pod holds its id: the function renders the
# list from its one model of the membership, so the script assumes no
# mapping from ordinals to ids. Pod names have no regex metacharacters.
line=$(grep -E -m 1 "^server\.[0-9]+=$host\." "$cfg" || true)
if [ -z "$line" ]; then
  echo "zookeeper-fn: $cfg has no server line for pod $host: the StatefulSet runs more replicas than the ConfigMap was rendered for; render the ZookeeperSpec again and apply both together" >&2
  exit 1
fi
myid="${line%%=*}"
myid="${myid#server.}"

# The last dataDir line wins, as in ZooKeeper's own parser.
data_dir=$(sed -n 's/^dataDir=//p' "$cfg" | tail -n 1)
if [ -z "$data_dir" ]; then
  echo "zookeeper-fn: $cfg sets no dataDir" >&2
  exit 1
fi
mkdir -p "$data_dir"

# A volume that already holds another member's id must never be adopted:
# the member would join under a wrong identity and the ensemble could lose
# acknowledged writes.
if [ -f "$data_dir/myid" ]; then
  current=$(tr -d '[:space:]' <"$data_dir/myid")
  if [ "$current" != "$myid" ]; then
    echo "zookeeper-fn: $data_dir/myid holds '$current' but pod $host is server $myid." >&2
    echo "zookeeper-fn: the volume belongs to another member: inspect PersistentVolumeClaim data-$host and the PersistentVolume bound to it; delete the claim only if its data is expendable." >&2
    exit 1
  fi
else
  printf '%s\n' "$myid" >"$data_dir/myid.tmp"
  mv "$data_dir/myid.tmp" "$data_dir/myid"
fi

echo "zookeeper-fn: starting server $myid ($host)" >&2
exec zkServer.sh --config "$conf_dir" start-foreground
