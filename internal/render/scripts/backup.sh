#!/usr/bin/env bash
# Rendered by zookeeper-fn. The backup sidecar of one member: while the
# member serves in the quorum, archive its newest complete snapshot plus
# every transaction log from the one that holds the snapshot's first zxid
# on (ZooKeeper's snapshots are fuzzy: loading one is only consistent
# after replaying the logs that follow it), then keep the newest
# BACKUP_RETAIN archives of this member. It reads the member's volumes
# read-only, never talks to ZooKeeper except through the readiness script.
#
#   backup.sh          loop: back up, sleep BACKUP_INTERVAL_SECONDS, repeat
#   backup.sh once     one backup, for an operator's kubectl exec
#
# Archive: <pod>/<UTC time>-<snapshot zxid, 16 hex digits>.tar.gz holding
# version-2/snapshot.<zxid>, version-2/log.<zxid>... and MANIFEST (sha256
# of each file). Target: BACKUP_DIR (a mounted volume) or S3_ENDPOINT,
# S3_BUCKET, S3_PREFIX, S3_REGION with AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY from a Secret.
set -euo pipefail
# shellcheck source=backup-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

retain="${BACKUP_RETAIN:-7}"

log() { echo "zookeeper-fn backup ($pod): $*" >&2; }

# copy_stable SRC DST: copy a file ZooKeeper may be appending to. The
# transaction log grows in place inside preallocated zeros, so a copy that
# raced a write differs from the source over the copied length; copy
# again until the two agree.
copy_stable() {
  local try size
  for try in 1 2 3 4 5; do
    cp "$1" "$2"
    size=$(stat -c %s "$2")
    if cmp -s -n "$size" "$1" "$2"; then
      return 0
    fi
    log "$(basename "$1") changed while it was copied; copying again ($try)"
  done
  log "$(basename "$1") kept changing while it was copied"
  return 1
}

# valid_snapshot FILE: ZooKeeper's own completeness test (SnapStream
# .isValidSnapshot): a finished snapshot ends in the int 1 and '/'.
valid_snapshot() {
  case "$1" in
    *.gz) gzip -t "$1" 2>/dev/null ;;
    *) [ "$(stat -c %s "$1")" -ge 10 ] && [ "$(tail -c 5 "$1" | od -An -tx1 | tr -d ' \n')" = "000000012f" ] ;;
  esac
}

# by_zxid PREFIX DIR: the files PREFIX.<zxid>[.gz] in DIR, oldest first.
by_zxid() {
  local f z
  for f in "$2"/"$1".*; do
    [ -e "$f" ] || continue
    z=${f##*/"$1".}
    z=${z%.gz}
    case "$z" in '' | *[!0-9a-f]*) continue ;; esac
    printf '%s %s\n' "$(zxid_key "$z")" "$f"
  done | sort | cut -d' ' -f2-
}

backup_once() {
  zk_dirs
  local stage snap="" snap_zxid="" f z start=() logs=()
  stage=$(mktemp -d "$scratch/stage.XXXXXX")
  trap 'rm -rf "$stage"' RETURN
  mkdir "$stage/version-2"

  # The newest snapshot that is complete once copied; one being written
  # right now fails the test and the one before it is taken.
  while read -r f; do
    copy_stable "$f" "$stage/version-2/${f##*/}"
    if valid_snapshot "$stage/version-2/${f##*/}"; then
      snap=${f##*/}
      break
    fi
    log "skipping incomplete snapshot ${f##*/}"
    rm -f "$stage/version-2/${f##*/}"
  done < <(by_zxid snapshot "$snap_dir" | tac)
  if [ -z "$snap" ]; then
    log "no complete snapshot in $snap_dir yet"
    return 1
  fi
  snap_zxid=${snap#snapshot.}
  snap_zxid=${snap_zxid%.gz}

  # The log that starts at or before the snapshot's zxid, and every later
  # one (FileTxnLog.getLogFiles: the same choice ZooKeeper makes on start).
  while read -r f; do
    z=${f##*/log.}
    if [ "$(zxid_key "$z")" \> "$(zxid_key "$snap_zxid")" ]; then
      logs+=("$f")
    else
      start=("$f")
    fi
  done < <(by_zxid log "$txn_dir")
  logs=("${start[@]}" "${logs[@]}")
  for f in "${logs[@]}"; do
    copy_stable "$f" "$stage/version-2/${f##*/}"
  done

  {
    echo "pod=$pod"
    echo "snapshot=$snap"
    echo "snapshot_zxid=0x$snap_zxid"
    echo "logs=${#logs[@]}"
    echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    (cd "$stage" && sha256sum version-2/*)
  } >"$stage/MANIFEST"

  local name tmp
  name="$(date -u +%Y%m%dT%H%M%SZ)-$(zxid_key "$snap_zxid").tar.gz"
  tmp="$scratch/$name.partial"
  tar -C "$stage" -czf "$tmp" MANIFEST version-2
  store "$tmp" "$name"
  rm -f "$tmp"
  log "stored $pod/$name: $snap and ${#logs[@]} transaction log(s)"
  prune
}

# store FILE NAME: put the archive in place under <pod>/; a volume gets
# it under a temporary name first so a reader never sees half an archive.
store() {
  if [ -n "${BACKUP_DIR:-}" ]; then
    mkdir -p "$BACKUP_DIR/$pod"
    cp "$1" "$BACKUP_DIR/$pod/.$2.partial"
    mv "$BACKUP_DIR/$pod/.$2.partial" "$BACKUP_DIR/$pod/$2"
  else
    s3_put "$1" "${S3_PREFIX%/}/$pod/$2"
  fi
}

# prune: keep the newest $retain archives of this member.
prune() {
  local all old
  all=$(target_list)
  { grep "^$pod/" <<<"$all" || true; } | sort -r | tail -n +"$((retain + 1))" | while read -r old; do
    if [ -n "${BACKUP_DIR:-}" ]; then
      rm -f "$BACKUP_DIR/$old"
    else
      s3_delete "${S3_PREFIX%/}/$old"
    fi
    log "pruned $old"
  done
}

# serving: the rendered readiness script says the member is in the quorum.
serving() {
  bash "${ZOOCFGDIR:-/conf}/ready.sh" >/dev/null 2>&1
}

mkdir -p "$scratch"
if [ "${1:-loop}" = once ]; then
  backup_once
  exit
fi
interval="${BACKUP_INTERVAL_SECONDS:?BACKUP_INTERVAL_SECONDS is not set}"
while :; do
  if serving; then
    # A process of its own, so that errexit holds inside the backup.
    bash "${BASH_SOURCE[0]}" once || log "backup failed"
    log "next backup in ${interval}s"
    sleep "$interval"
  else
    log "member not serving in the quorum; waiting"
    sleep 10
  fi
done
