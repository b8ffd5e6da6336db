#!/usr/bin/env bash
# Rendered by zookeeper-fn. Prepares the TLS stores and the JAAS file in
# the in-memory volume, then runs start.sh. ZooKeeper's PEM key store is
# one file holding the key and its certificate chain, so tls.key and
# tls.crt are joined here; nothing secret ever goes into the ConfigMap.
# While the server runs, a watcher re-joins the stores when the TLS Secret
# changes, and the server reloads them (docs/security.md, "Rotation").
set -euo pipefail
secure_dir="${ZKFN_SECURE_DIR:-/secure}"
tls="${ZKFN_TLS_DIR:-/tls}"
digest="${ZKFN_DIGEST_DIR:-/digest}"
quorum="${ZKFN_QUORUM_DIR:-/quorum-sasl}"
poll="${ZKFN_TLS_POLL_SECONDS:-10}"
settle="${ZKFN_TLS_SETTLE_SECONDS:-5}"
umask 077

die() {
  echo "zookeeper-fn: $*" >&2
  exit 1
}

# tls_source is the directory of the TLS Secret's current version. The
# kubelet writes a new version into a fresh directory and swaps the ..data
# symlink to it, so files read through one resolved ..data belong
# together (a key never meets the previous certificate).
tls_source() {
  if [ -L "$tls/..data" ]; then
    readlink -f "$tls/..data"
  else
    printf '%s\n' "$tls"
  fi
}

# join_tls writes the PEM key store (key, then chain) and trust store from
# src; each file is renamed into place, so the server's file watcher only
# ever sees whole files. It fails (without exiting) when a key is missing.
#
# Each store has its own watcher in ZooKeeper, and each rename makes it
# rebuild the whole TLS context from both files; the rebuild that ends
# last wins. Renaming both at once lets the trust store's rebuild, begun
# before the key store moved, end last with the previous key, and the
# member keeps serving the old certificate (seen on real members under
# load). So a store whose content has not changed is left alone (a
# renewal keeps the CA: one rebuild, nothing to race), and when both
# change the key store moves $settle seconds after the trust store.
join_tls() {
  local src=$1 settle=${2:-0} f
  for f in tls.crt tls.key ca.crt; do
    if [ ! -s "$src/$f" ]; then
      echo "zookeeper-fn: the TLS Secret has no $f (mounted at $tls): it needs tls.crt, tls.key and ca.crt" >&2
      return 1
    fi
  done
  cat "$src/tls.key" "$src/tls.crt" >"$secure_dir/keystore.pem.tmp" || return 1
  cat "$src/ca.crt" >"$secure_dir/truststore.pem.tmp" || return 1
  if replace_store truststore.pem && [ "$settle" -gt 0 ]; then
    sleep "$settle"
  fi
  replace_store keystore.pem || true
}

# replace_store renames name.tmp over name in the secure directory when
# their contents differ (true), and removes name.tmp otherwise (false).
replace_store() {
  local new="$secure_dir/$1.tmp" old="$secure_dir/$1"
  if [ -f "$old" ] && [ "$(cksum <"$new")" = "$(cksum <"$old")" ]; then
    rm -f "$new"
    return 1
  fi
  mv -f "$new" "$old"
}

tls_version() { cat "$1/tls.key" "$1/tls.crt" "$1/ca.crt" 2>/dev/null | cksum; }

# watch_tls re-joins the stores whenever the Secret's content changes
# (cert-manager's renewal, a rotated Secret). It polls: the image has no
# inotify tools, and three small files every few seconds cost nothing.
# It must outlive transient errors (the kubelet removes the previous
# version while it may be reading it), so errexit is off here.
watch_tls() {
  local seen=$1 now src
  set +e +o pipefail
  while sleep "$poll"; do
    src=$(tls_source) || continue
    now=$(tls_version "$src")
    if [ "$now" != "$seen" ] && join_tls "$src" "$settle"; then
      seen=$now
      echo "zookeeper-fn: the TLS Secret changed; key and trust stores re-joined for the server to reload" >&2
    fi
  done
}

# jaas_string prints file's content as a quoted JAAS option value, or
# exits naming what when the value cannot be carried exactly: Java's
# parser (a StreamTokenizer) decodes \\ \" \n \r inside quotes, but it
# expands ${...} as a system property with no escape, and a shell
# variable cannot hold a NUL byte. Trailing newlines are dropped (a
# Secret made with echo has one).
jaas_string() {
  local f=$1 what=$2 v LC_ALL=C
  [ -f "$f" ] || die "$what is missing"
  [ "$(tr -d '\000' <"$f" | wc -c)" = "$(wc -c <"$f")" ] || die "$what contains a NUL byte, which a JAAS file cannot carry"
  v=$(cat "$f")
  [ -n "$v" ] || die "$what is empty"
  case "$v" in *'${'*) die "$what contains \${, which Java expands in a JAAS file as a system property (there is no escape); choose another" ;; esac
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  v=${v//$'\n'/\\n}
  v=${v//$'\r'/\\r}
  printf '"%s"' "$v"
}

# check_user refuses a user name that is not a plain JAAS option name.
check_user() {
  case "$1" in
    '' | *[!A-Za-z0-9_]*) die "$2 '$1' must be letters, digits and '_'" ;;
  esac
}

# digest_section is the Server section: one user_<name> per key of the
# digest Secret (clients' SASL DIGEST-MD5).
digest_section() {
  local f user pw
  echo "Server {"
  echo "  org.apache.zookeeper.server.auth.DigestLoginModule required"
  for f in "$digest"/*; do
    [ -e "$f" ] || die "the digest Secret (mounted at $digest) has no keys: one key per user, its value the password"
    user="${f##*/}"
    check_user "$user" "digest user (a key of the digest Secret)"
    pw=$(jaas_string "$f" "the password of digest user $user")
    printf '  user_%s=%s\n' "$user" "$pw"
  done
  echo "  ;"
  echo "};"
}

# quorum_sections: members authenticate to each other with one user; as
# server (QuorumServer) a member accepts it, as learner (QuorumLearner) it
# presents it. Each key accept.<user> of the Secret adds a user the
# member accepts but does not present: the password rotation's middle
# steps (docs/security.md), so that members on either side of a rolling
# restart still accept each other.
quorum_sections() {
  local user pw f other opw
  [ -f "$quorum/username" ] || die "the quorum SASL Secret has no username (mounted at $quorum): it needs username and password"
  user=$(cat "$quorum/username")
  check_user "$user" "the quorum SASL username"
  pw=$(jaas_string "$quorum/password" "the quorum SASL Secret's password")
  printf 'QuorumServer {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_%s=%s' "$user" "$pw"
  for f in "$quorum"/accept.*; do
    [ -e "$f" ] || continue
    other=${f##*/accept.}
    check_user "$other" "the quorum SASL Secret's key accept.$other: the user after 'accept.'"
    [ "$other" != "$user" ] || die "the quorum SASL Secret's key accept.$other names the username it presents; a user has one password: rotate to a new username"
    opw=$(jaas_string "$f" "the quorum SASL Secret's key accept.$other")
    printf '\n  user_%s=%s' "$other" "$opw"
  done
  printf ';\n};\n'
  printf 'QuorumLearner {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  username="%s"\n  password=%s;\n};\n' "$user" "$pw"
}

if [ -d "$tls" ]; then
  src=$(tls_source)
  joined=$(tls_version "$src")
  join_tls "$src" || exit 1
fi

if [ -d "$digest" ] || [ -d "$quorum" ]; then
  {
    if [ -d "$digest" ]; then digest_section; fi
    if [ -d "$quorum" ]; then quorum_sections; fi
  } >"$secure_dir/jaas.conf.tmp"
  mv "$secure_dir/jaas.conf.tmp" "$secure_dir/jaas.conf"
fi

if [ -d "$tls" ]; then
  watch_tls "$joined" &
fi
exec bash "${ZOOCFGDIR:-/conf}/start.sh"
