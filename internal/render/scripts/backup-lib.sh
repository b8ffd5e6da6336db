#!/usr/bin/env bash
# Rendered by zookeeper-fn. Functions shared by backup.sh and restore.sh:
# where ZooKeeper keeps its files, and the two kinds of backup target (a
# mounted volume, BACKUP_DIR, or an S3-compatible bucket reached with
# curl's AWS signature-v4 support, S3_*). Everything they call is in the
# official image: bash, coreutils, tar, gzip, cmp (diffutils) and curl
# (from its eclipse-temurin base).

# cfg_value KEY: the last KEY= line of zoo.cfg wins, as in ZooKeeper's parser.
cfg_value() {
  sed -n "s/^$1=//p" "${ZOOCFGDIR:-/conf}/zoo.cfg" | tail -n 1
}

# zk_dirs sets snap_dir and txn_dir: the version-2 directories of dataDir
# and dataLogDir (dataDir when there is no separate transaction log).
zk_dirs() {
  local data log
  data=$(cfg_value dataDir)
  log=$(cfg_value dataLogDir)
  if [ -z "$data" ]; then
    echo "zookeeper-fn: ${ZOOCFGDIR:-/conf}/zoo.cfg sets no dataDir" >&2
    return 1
  fi
  snap_dir="$data/version-2"
  txn_dir="${log:-$data}/version-2"
}

# zxid_key HEX: a zxid as 16 hex digits, so names sort by zxid.
zxid_key() {
  printf '%016x' "$((16#$1))"
}

s3_url() {
  printf '%s/%s/%s' "${S3_ENDPOINT%/}" "$S3_BUCKET" "$1"
}

# s3_curl ARGS...: one signed request; the credentials reach curl on
# its standard input, never on its command line.
s3_curl() {
  printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |
    curl --config - --fail --silent --show-error --max-time 900 \
      --aws-sigv4 "aws:amz:${S3_REGION}:s3" "$@"
}

# s3_list PREFIX: the keys under PREFIX, one a line (ListObjectsV2, all pages).
s3_list() {
  local token="" page query
  while :; do
    query="list-type=2&prefix=$(urlencode "$1")"
    [ -n "$token" ] && query="$query&continuation-token=$(urlencode "$token")"
    page=$(s3_curl "${S3_ENDPOINT%/}/${S3_BUCKET}?${query}") || return 1
    grep -o '<Key>[^<]*</Key>' <<<"$page" | sed -e 's/^<Key>//' -e 's/<\/Key>$//'
    token=$(grep -o '<NextContinuationToken>[^<]*</NextContinuationToken>' <<<"$page" | sed -e 's/^<NextContinuationToken>//' -e 's/<\/NextContinuationToken>$//')
    [ -n "$token" ] || return 0
  done
}

urlencode() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~/-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# target_list: every archive of the target as <pod>/<archive>, one a line.
target_list() {
  if [ -n "${BACKUP_DIR:-}" ]; then
    (cd "$BACKUP_DIR" && find . -mindepth 2 -maxdepth 2 -type f -name '*.tar.gz' | sed 's|^\./||')
  else
    s3_list "${S3_PREFIX%/}/" | sed "s|^${S3_PREFIX%/}/||" | grep -E '^[^/]+/[^/]+\.tar\.gz$' || true
  fi
}
