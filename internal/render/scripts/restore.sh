#!/usr/bin/env bash
# Rendered by zookeeper-fn. The restore init container: when this member's
# data volume holds no ZooKeeper data yet, fill it from one archive of the
# backup sidecar (RESTORE_FROM: <pod>/<archive>.tar.gz, or "latest": the
# archive with the highest snapshot zxid of any member, the oldest of
# equals). A volume that holds data is never touched, so this is safe on
# every start. Snapshots go to dataDir/version-2, transaction logs to
# dataLogDir/version-2; myid is start.sh's job.
set -euo pipefail
# shellcheck source=backup-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

from="${RESTORE_FROM:?RESTORE_FROM is not set}"
log() { echo "zookeeper-fn restore ($pod): $*" >&2; }

zk_dirs
if compgen -G "$snap_dir/snapshot.*" >/dev/null || compgen -G "$txn_dir/log.*" >/dev/null; then
  log "data already present in $snap_dir or $txn_dir; nothing to restore"
  exit 0
fi

if [ "$from" = latest ]; then
  # <pod>/<time>-<zxid>.tar.gz: highest zxid first, then the oldest time.
  from=$(target_list | awk -F'[/-]' '{z=$(NF); sub(/\.tar\.gz$/, "", z); print z, $(NF-1), $0}' |
    sort -k1,1r -k2,2 | head -n 1 | cut -d' ' -f3)
  if [ -z "$from" ]; then
    log "RESTORE_FROM is latest but the backup target holds no archive"
    exit 1
  fi
fi
case "$from" in
  */*.tar.gz) ;;
  *) log "RESTORE_FROM '$from' is not <pod>/<archive>.tar.gz"; exit 1 ;;
esac
log "restoring $from"

mkdir -p "$scratch"
work=$(mktemp -d "$scratch/restore.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -n "${BACKUP_DIR:-}" ]; then
  cp "$BACKUP_DIR/$from" "$work/archive.tar.gz"
else
  s3_get "${S3_PREFIX%/}/$from" "$work/archive.tar.gz"
fi
mkdir "$work/x"
tar -C "$work/x" -xzf "$work/archive.tar.gz"
(cd "$work/x" && sed -n '/^[0-9a-f]\{64\}  /p' MANIFEST | sha256sum --quiet -c -) || {
  log "$from does not match its MANIFEST"
  exit 1
}
snaps=$(cd "$work/x/version-2" && ls snapshot.* 2>/dev/null | wc -l)
if [ "$snaps" -ne 1 ]; then
  log "$from holds $snaps snapshots, want 1"
  exit 1
fi

# Each directory is filled under a temporary name and renamed, so a
# restore cut short leaves no partial version-2 for ZooKeeper to load. With
# a separate transaction-log volume the logs go first: a member left with
# logs but no snapshot refuses to start, instead of silently starting from
# a snapshot without the logs that complete it.
place() { # place DIR GLOB...
  local dir=$1 tmp g f
  shift
  tmp="$(dirname "$dir")/.version-2.restore"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  for g in "$@"; do
    for f in "$work/x/version-2/"$g; do
      [ -e "$f" ] && mv "$f" "$tmp/"
    done
  done
  rm -rf "$dir"
  mv "$tmp" "$dir"
}
if [ "$snap_dir" = "$txn_dir" ]; then
  place "$snap_dir" 'snapshot.*' 'log.*'
else
  place "$txn_dir" 'log.*'
  place "$snap_dir" 'snapshot.*'
fi
log "restored $(grep -c '  version-2/' "$work/x/MANIFEST") file(s) from $from ($(sed -n 's/^snapshot_zxid=//p' "$work/x/MANIFEST"))"
