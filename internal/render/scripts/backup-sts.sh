#!/usr/bin/env bash
# Rendered by zookeeper-fn. Keyless S3 access for backup-lib.sh
# (spec.backup.s3.webIdentity): trade the pod's ServiceAccount token for
# temporary credentials with STS AssumeRoleWithWebIdentity, the exchange
# EKS's IAM Roles for Service Accounts makes, with curl, sed and date.
#
#   AWS_ROLE_ARN                 the role to assume
#   AWS_WEB_IDENTITY_TOKEN_FILE  the projected token; the kubelet rotates
#                                it, so it is read again for every exchange
#   STS_ENDPOINT                 e.g. https://sts.eu-west-1.amazonaws.com
#
# The credentials are cached in BACKUP_SCRATCH (the pod's emptyDir, mode
# 0600) until 5 minutes before they expire, or half their lifetime for
# shorter ones. The token and the credentials never reach the log; the
# token and the session token never reach a command line (the secret is
# openssl's HMAC key argument, as a static one is).

# sts_log MESSAGE: to the caller's log.
sts_log() {
  if declare -F log >/dev/null; then log "$@"; else echo "zookeeper-fn: $*" >&2; fi
}

sts_cache() { printf '%s/.sts-credentials' "${BACKUP_SCRATCH:-/scratch}"; }

# xml_value NAME: the text of the first <NAME> element on stdin, with the
# five XML entities decoded; nothing (and success, for errexit and
# pipefail) when there is none.
xml_value() {
  tr -d '\r\n' | { grep -o "<$1>[^<]*</$1>" || true; } | head -n 1 | sed -e "s|^<$1>||" -e "s|</$1>\$||" \
    -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g'
}

# aws_error FILE HEAD [SECRET]: the error answer in FILE (S3's or STS's
# <Error>) for the log, as "<Code>: <Message>", or "(no error code): " and
# the first HEAD bytes of a body that has neither; SECRET is masked before
# the message is cut to 300 characters, so no part of it can remain.
aws_error() {
  local code msg
  code=$(xml_value Code <"$1")
  msg=$(xml_value Message <"$1")
  [ -n "$code$msg" ] || msg=$(head -c "$2" "$1" | tr -c '[:print:]' ' ')
  [ -z "${3:-}" ] || msg=${msg//"$3"/<token>}
  printf '%s: %s' "${code:-(no error code)}" "${msg:0:300}"
}

# sts_credentials sets access_key, secret_key and session_token: the
# cached credentials while they are fresh, else new ones from STS.
sts_credentials() {
  local cache expires refresh
  cache=$(sts_cache)
  if [ -s "$cache" ] && { read -r access_key && read -r secret_key && read -r session_token &&
    read -r expires && read -r refresh; } <"$cache" && [ "$(date -u +%s)" -lt "$refresh" ]; then
    return 0
  fi
  sts_assume
}

# sts_assume: one AssumeRoleWithWebIdentity call (unsigned: the token is
# the proof), a POST so that the token stays out of URLs and access logs.
sts_assume() {
  local token resp status err exp_at now session cache tmp
  if [ ! -r "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]; then
    sts_log "cannot read the ServiceAccount token ${AWS_WEB_IDENTITY_TOKEN_FILE:-(AWS_WEB_IDENTITY_TOKEN_FILE is not set)}; is the projected volume aws-iam-token mounted?"
    return 1
  fi
  token=$(<"$AWS_WEB_IDENTITY_TOKEN_FILE")
  if [ -z "$token" ]; then
    sts_log "the ServiceAccount token $AWS_WEB_IDENTITY_TOKEN_FILE is empty"
    return 1
  fi
  # A session name STS accepts ([\w+=,.@-], 2 to 64): the pod's name.
  session=$(printf '%s' "${HOSTNAME:-zookeeper}" | tr -c 'A-Za-z0-9+=,.@_-' '-' | cut -c1-64)
  resp=$(mktemp "${BACKUP_SCRATCH:-/tmp}/sts.XXXXXX")
  status=$(
    printf 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s&RoleSessionName=%s&WebIdentityToken=%s' \
      "$(urlencode_query "$AWS_ROLE_ARN")" "$(urlencode_query "$session")" "$(urlencode_query "$token")" |
      curl --silent --show-error --max-time 60 -o "$resp" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: application/xml' \
        --data-binary @- "${STS_ENDPOINT%/}/"
  ) || {
    rm -f "$resp"
    sts_log "STS AssumeRoleWithWebIdentity at $STS_ENDPOINT failed: no answer (see curl's message above)"
    return 1
  }
  if [ "$status" != 200 ]; then
    err=$(aws_error "$resp" 300 "$token")
    rm -f "$resp"
    sts_log "STS AssumeRoleWithWebIdentity for $AWS_ROLE_ARN at $STS_ENDPOINT refused: HTTP $status $err"
    return 1
  fi
  access_key=$(xml_value AccessKeyId <"$resp")
  secret_key=$(xml_value SecretAccessKey <"$resp")
  session_token=$(xml_value SessionToken <"$resp")
  exp_at=$(xml_value Expiration <"$resp")
  rm -f "$resp"
  if [ -z "$access_key" ] || [ -z "$secret_key" ] || [ -z "$session_token" ] || ! exp_at=$(date -u -d "$exp_at" +%s 2>/dev/null); then
    sts_log "STS at $STS_ENDPOINT answered AssumeRoleWithWebIdentity without AccessKeyId, SecretAccessKey, SessionToken and an Expiration"
    return 1
  fi
  now=$(date -u +%s)
  if [ "$exp_at" -le "$now" ]; then
    sts_log "STS at $STS_ENDPOINT issued credentials that expired at $(date -u -d "@$exp_at" +%FT%TZ); is this node's clock right?"
    return 1
  fi
  # Refresh 5 minutes before expiry, or halfway for shorter credentials.
  local margin=$(((exp_at - now) / 2))
  [ "$margin" -le 300 ] || margin=300
  cache=$(sts_cache)
  tmp=$(umask 077 && mktemp "$cache.XXXXXX")
  printf '%s\n%s\n%s\n%s\n%s\n' "$access_key" "$secret_key" "$session_token" "$exp_at" "$((exp_at - margin))" >"$tmp"
  mv -f "$tmp" "$cache"
  sts_log "assumed $AWS_ROLE_ARN with the ServiceAccount token: temporary key $access_key until $(date -u -d "@$exp_at" +%FT%TZ)"
}
