#!/usr/bin/env bash
# Rendered by zookeeper-fn. Functions shared by backup.sh and restore.sh:
# where ZooKeeper keeps its files, and the two kinds of backup target (a
# mounted volume, BACKUP_DIR, or an S3-compatible bucket, S3_*, reached
# with curl and requests signed here, with static keys or with temporary
# credentials from STS for the ServiceAccount token, AWS_ROLE_ARN and
# AWS_WEB_IDENTITY_TOKEN_FILE: see backup-sts.sh). Everything they call is
# in the official image: bash, coreutils, tar, gzip, cmp (diffutils), and
# curl and openssl (the eclipse-temurin base installs curl and ca-certificates,
# which depends on openssl).

# shellcheck source=backup-sts.sh
. "$(dirname "${BASH_SOURCE[0]}")/backup-sts.sh"

# The member's pod, which names its archives, and the scratch directory
# (an emptyDir) where both scripts stage them.
pod="${HOSTNAME:-$(hostname)}"
scratch="${BACKUP_SCRATCH:-/scratch}"

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

# AWS signature version 4 (the S3 flavour: the payload's sha256 in
# x-amz-content-sha256), computed here with openssl so it does not depend
# on the curl version's --aws-sigv4 support.
hmac_hex() { # hmac_hex KEY_HEX DATA
  printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" -r | cut -d' ' -f1
}

# s3_signature METHOD PATH QUERY CANONICAL_HEADERS SIGNED_HEADERS PAYLOAD_SHA256 AMZ_DATE:
# the request's signature with $secret_key (s3_credentials) in S3_REGION.
# CANONICAL_HEADERS are "name:value" lines, lower-case, sorted.
s3_signature() {
  local creq scope sts k day=${7%%T*}
  creq=$(printf '%s\n%s\n%s\n%s\n\n%s\n%s' "$1" "$2" "$3" "$4" "$5" "$6")
  scope="$day/$S3_REGION/s3/aws4_request"
  sts=$(printf 'AWS4-HMAC-SHA256\n%s\n%s\n%s' "$7" "$scope" "$(printf '%s' "$creq" | sha256sum | cut -d' ' -f1)")
  k=$(printf '%s' "$day" | openssl dgst -sha256 -mac HMAC -macopt "key:AWS4$secret_key" -r | cut -d' ' -f1)
  k=$(hmac_hex "$k" "$S3_REGION")
  k=$(hmac_hex "$k" s3)
  k=$(hmac_hex "$k" aws4_request)
  hmac_hex "$k" "$sts"
}

# s3_request METHOD KEY QUERY BODY_FILE OUT: one signed request,
# path-style (<endpoint>/<bucket>/<key>). QUERY is canonical: sorted and
# encoded. BODY_FILE is empty for requests without a body. The response
# body goes to the file OUT, to stdout for -, nowhere for "".
s3_request() {
  local method=$1 key=$2 query=$3 body=$4 host path payload now headers signed sig
  s3_credentials || return 1
  # shellcheck disable=SC2153 # S3_ENDPOINT is set by the pod, not here.
  host=${S3_ENDPOINT#*://}
  host=${host%%/*}
  path="/$S3_BUCKET"
  [ -n "$key" ] && path="$path/$(urlencode "$key")"
  if [ -n "$body" ]; then
    payload=$(sha256sum <"$body" | cut -d' ' -f1)
  else
    payload=$(printf '' | sha256sum | cut -d' ' -f1)
  fi
  now=$(date -u +%Y%m%dT%H%M%SZ)
  headers=$(printf 'host:%s\nx-amz-content-sha256:%s\nx-amz-date:%s' "$host" "$payload" "$now")
  signed="host;x-amz-content-sha256;x-amz-date"
  # Temporary credentials: S3 wants the session token signed with them.
  if [ -n "$session_token" ]; then
    headers+=$'\n'"x-amz-security-token:$session_token"
    signed+=";x-amz-security-token"
  fi
  sig=$(s3_signature "$method" "$path" "$query" "$headers" "$signed" "$payload" "$now")
  # The headers go to curl through a pipe, not its command line, which
  # other processes could read.
  s3_send "$method" "$body" "$5" "${S3_ENDPOINT%/}$path${query:+?$query}" <(
    printf 'Authorization: AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request,SignedHeaders=%s,Signature=%s\n' \
      "$access_key" "${now%%T*}" "$S3_REGION" "$signed" "$sig"
    printf 'x-amz-content-sha256: %s\nx-amz-date: %s\n' "$payload" "$now"
    [ -z "$session_token" ] || printf 'x-amz-security-token: %s\n' "$session_token"
  )
}

# s3_send METHOD BODY_FILE OUT URL HEADER_FILE: the request; an error
# answer is logged with S3's own code and message (AccessDenied,
# ExpiredToken, SignatureDoesNotMatch...), the way to debug it.
s3_send() {
  local out status err
  out=$(mktemp "${TMPDIR:-/tmp}/s3.XXXXXX")
  status=$(curl --silent --show-error --max-time 900 -X "$1" -H @"$5" ${2:+--upload-file "$2"} \
    -o "$out" -w '%{http_code}' "$4") || {
    rm -f "$out"
    sts_log "S3 $1 ${4%%\?*} failed: no answer (see curl's message above)"
    return 1
  }
  if [ "${status:0:1}" != 2 ]; then
    err=$(aws_error "$out" 200)
    rm -f "$out"
    sts_log "S3 $1 ${4%%\?*} refused: HTTP $status $err"
    return 1
  fi
  case "$3" in
    "") rm -f "$out" ;;
    -) cat "$out" && rm -f "$out" ;;
    *) mv -f "$out" "$3" ;;
  esac
}

s3_put() { s3_request PUT "$2" "" "$1" ""; }      # s3_put FILE KEY
s3_get() { s3_request GET "$1" "" "" "$2"; }      # s3_get KEY FILE
s3_delete() { s3_request DELETE "$1" "" "" ""; }  # s3_delete KEY

# s3_list PREFIX: the keys under PREFIX, one a line (ListObjectsV2, all pages).
s3_list() {
  local token="" page query
  while :; do
    query=""
    [ -n "$token" ] && query="continuation-token=$(urlencode_query "$token")&"
    query="${query}list-type=2&prefix=$(urlencode_query "$1")"
    page=$(s3_request GET "" "$query" "" -) || return 1
    grep -o '<Key>[^<]*</Key>' <<<"$page" | sed -e 's/^<Key>//' -e 's/<\/Key>$//' || true
    token=$(grep -o '<NextContinuationToken>[^<]*</NextContinuationToken>' <<<"$page" | sed -e 's/^<NextContinuationToken>//' -e 's/<\/NextContinuationToken>$//' || true)
    [ -n "$token" ] || return 0
  done
}

# urlencode_query S: S encoded for a query value (also '/').
urlencode_query() {
  urlencode "$1" | sed 's|/|%2F|g'
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

# s3_credentials sets access_key, secret_key and session_token for the
# next request: the Secret's static keys, or temporary credentials from STS
# (backup-sts.sh) when the function rendered STS_ENDPOINT (webIdentity).
# Not AWS_ROLE_ARN: the EKS webhook injects that into every container of
# a pod whose ServiceAccount is annotated, also when the keys are static.
s3_credentials() {
  if [ -n "${STS_ENDPOINT:-}" ]; then
    sts_credentials
    return
  fi
  access_key=${AWS_ACCESS_KEY_ID:?AWS_ACCESS_KEY_ID is not set (spec.backup.s3.credentialsSecret)}
  secret_key=${AWS_SECRET_ACCESS_KEY:?AWS_SECRET_ACCESS_KEY is not set (spec.backup.s3.credentialsSecret)}
  session_token=""
}

# target_list: every archive of the target as <pod>/<archive>, one a line.
target_list() {
  if [ -n "${BACKUP_DIR:-}" ]; then
    (cd "$BACKUP_DIR" && find . -mindepth 2 -maxdepth 2 -type f -name '*.tar.gz' | sed 's|^\./||')
  else
    # Strip the prefix as a literal string: in a sed pattern, a prefix with
    # regex characters (zk*prod/) would match nothing and hide every archive.
    local prefix="${S3_PREFIX%/}/" key
    s3_list "$prefix" | while IFS= read -r key; do printf '%s\n' "${key#"$prefix"}"; done |
      grep -E '^[^/]+/[^/]+\.tar\.gz$' || true
  fi
}
