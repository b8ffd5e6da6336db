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
# With dynamic membership (spec.membership) the server lines live in
# $conf_dir/servers, the membership the spec asks for.
servers="$cfg"
[ -f "$conf_dir/servers" ] && servers="$conf_dir/servers"
line=$(grep -E -m 1 "^server\.[0-9]+=$host\." "$servers" || true)
if [ -z "$line" ]; then
  echo "zookeeper-fn: $servers has no server line for pod $host: the StatefulSet runs more replicas than the ConfigMap was rendered for; render the ZookeeperSpec again and apply both together" >&2
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

# ---- epoch guard: currentEpoch behind the data ---------------------
# A member that joins a leader of a new epoch takes a snapshot of the
# leader's state, named with the new epoch's zxid, and then writes
# currentEpoch (Learner.syncWithLeader on NEWLEADER). Both writes go
# through a temporary file that is written, synced and renamed
# (AtomicFileOutputStream; the snapshot too when it is synced). A member
# killed in between leaves data of the new epoch and currentEpoch of the
# old one, with currentEpoch.tmp empty or absent, and snapshot.<zxid>.tmp
# possibly not renamed (ZooKeeper 3.8 loads it all the same). At start,
# QuorumPeer.loadDataBase then reads currentEpoch.tmp and stops for good:
# "Found null in .../currentEpoch.tmp", or without it "The current epoch
# ... is older than the last zxid".
# The value being written was acceptedEpoch: a leader sets acceptedEpoch
# to the epoch it proposes before it sets currentEpoch to it
# (Leader.getEpochToPropose, then lead()), a follower sets acceptedEpoch
# on LEADERINFO before currentEpoch on NEWLEADER (Learner.registerWithLeader,
# syncWithLeader), and no zxid of an epoch reaches the disk before that
# epoch is accepted. So currentEpoch.tmp gets acceptedEpoch, and
# ZooKeeper's own loader takes it from there (it reads the tmp only when
# the data is newer than currentEpoch). Anything that does not fit those
# rules is refused, not guessed. acceptedEpoch.tmp needs nothing: the
# loader never reads it.
epoch_is_long() { [[ "$1" =~ ^[-+]?[0-9]+$ ]]; }

# epoch_of_files FILE...: the newest epoch in the names of snapshots and
# transaction logs (snapshot.<zxid>[.tmp], log.<zxid>: the zxid in
# hexadecimal, the epoch its upper 32 bits), or 0.
epoch_of_files() {
  local f name hex top=0 e
  for f in "$@"; do
    [ -e "$f" ] || continue
    name=${f##*/}
    name=${name#*.}
    hex=${name%%.*}
    [[ "$hex" =~ ^[0-9a-fA-F]{1,16}$ ]] || continue
    e=$((16#$hex >> 32))
    [ "$e" -gt "$top" ] && top=$e
  done
  echo "$top"
}

epoch_refuse() {
  echo "zookeeper-fn: $1; refusing to guess the epoch: restore this member's volume from a backup, or delete its claim so it syncs from the ensemble" >&2
  return 1
}

# repair_current_epoch SNAPDIR LOGDIR: returns non-zero when it refuses.
repair_current_epoch() {
  local snap=$1 tmp=$1/currentEpoch.tmp current accepted top
  [ -e "$snap/currentEpoch" ] || return 0 # the loader derives it from the data
  if [ -e "$tmp" ] && epoch_is_long "$(head -n 1 "$tmp")"; then
    return 0 # a complete tmp: the loader's own case
  fi
  current=$(head -n 1 "$snap/currentEpoch")
  accepted=$(head -n 1 "$snap/acceptedEpoch" 2>/dev/null || true)
  top=$(epoch_of_files "$snap"/snapshot.* "$2"/log.*)
  if [ ! -e "$tmp" ]; then
    epoch_is_long "$current" || return 0 # the loader says what is wrong
    [ "$top" -gt "$current" ] || return 0 # the loader needs no tmp
    # Only the snapshot taken on joining a leader is newer than
    # currentEpoch, and its epoch is the one accepted.
    if [ "$top" != "$accepted" ]; then
      epoch_refuse "the data holds epoch $top, newer than currentEpoch $current, and acceptedEpoch is '$accepted', not $top"
      return
    fi
  elif ! epoch_is_long "$current" || ! epoch_is_long "$accepted"; then
    epoch_refuse "$tmp is unreadable and currentEpoch ('$current') or acceptedEpoch ('$accepted') is too"
    return
  elif [ "$top" -gt "$accepted" ]; then
    epoch_refuse "$tmp is unreadable and the data holds epoch $top, newer than acceptedEpoch $accepted, which ZooKeeper never writes"
    return
  elif [ "$accepted" -le "$current" ]; then
    return 0 # no zxid is newer than currentEpoch: the loader ignores the tmp
  fi
  printf '%s' "$accepted" >"$tmp.fill"
  mv "$tmp.fill" "$tmp"
  echo "zookeeper-fn: $tmp was empty or absent (killed while writing currentEpoch $current -> $accepted; newest epoch in the file names: $top); wrote acceptedEpoch $accepted into it" >&2
}
# ---- end of the epoch guard ------------------------------------------

# The snapshots and epoch files live in dataDir/version-2, the logs in
# dataLogDir/version-2 when it is set.
log_dir=$(sed -n 's/^dataLogDir=//p' "$cfg" | tail -n 1)
repair_current_epoch "$data_dir/version-2" "${log_dir:-$data_dir}/version-2" || exit 1

if [ -f "$conf_dir/membership.sh" ]; then
  # Sets ZOOCFG (a working copy of zoo.cfg on the data volume, which the
  # server rewrites on reconfig) and the superuser's digest.
  # shellcheck source=/dev/null
  . "$conf_dir/membership.sh"
fi

echo "zookeeper-fn: starting server $myid ($host)" >&2
exec zkServer.sh --config "$conf_dir" start-foreground
