#!/usr/bin/env bash
# Rendered by zookeeper-fn. Prepares the TLS stores and the JAAS file in
# the in-memory volume, then runs start.sh. ZooKeeper's PEM key store is
# one file holding the key and its certificate chain, so tls.key and
# tls.crt are joined here; nothing secret ever goes into the ConfigMap.
set -euo pipefail
secure_dir="${ZKFN_SECURE_DIR:-/secure}"
umask 077

if [ -d "${ZKFN_TLS_DIR:-/tls}" ]; then
  tls="${ZKFN_TLS_DIR:-/tls}"
  for f in tls.crt tls.key ca.crt; do
    if [ ! -s "$tls/$f" ]; then
      echo "zookeeper-fn: the TLS Secret has no $f (mounted at $tls): it needs tls.crt, tls.key and ca.crt" >&2
      exit 1
    fi
  done
  cat "$tls/tls.key" "$tls/tls.crt" >"$secure_dir/keystore.pem.tmp"
  mv "$secure_dir/keystore.pem.tmp" "$secure_dir/keystore.pem"
  cp "$tls/ca.crt" "$secure_dir/truststore.pem.tmp"
  mv "$secure_dir/truststore.pem.tmp" "$secure_dir/truststore.pem"
fi

if [ -d "${ZKFN_DIGEST_DIR:-/digest}" ]; then
  digest="${ZKFN_DIGEST_DIR:-/digest}"
  {
    echo "Server {"
    echo "  org.apache.zookeeper.server.auth.DigestLoginModule required"
    for f in "$digest"/*; do
      user="${f##*/}"
      case "$user" in
        '' | *[!A-Za-z0-9_]*)
          echo "zookeeper-fn: digest user '$user' (a key of the digest Secret) must be letters, digits and '_'" >&2
          exit 1
          ;;
      esac
      pw=$(cat "$f")
      pw="${pw//\\/\\\\}"
      printf '  user_%s="%s"\n' "$user" "${pw//\"/\\\"}"
    done
    echo "  ;"
    echo "};"
  } >"$secure_dir/jaas.conf.tmp"
  mv "$secure_dir/jaas.conf.tmp" "$secure_dir/jaas.conf"
fi

exec bash "${ZOOCFGDIR:-/conf}/start.sh"
