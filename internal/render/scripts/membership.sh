# Rendered by zookeeper-fn. Sourced by start.sh when spec.membership is
# set: ZooKeeper's dynamic reconfiguration decides who votes, not the
# server lines of the ConfigMap. Uses myid, host, conf_dir, data_dir and
# servers from start.sh.
#
# - A member first asks the members the spec names (their client ports,
#   the conf four-letter word) for the membership they serve. A member
#   that answers runs in a quorum, so its membership is the ensemble's.
# - Nobody answers: the member restarts with the membership it persisted
#   on its data volume (a whole-ensemble restart), or, if it is server 1
#   and has never run, it founds the ensemble alone. Any other member
#   waits: two empty members must never form a majority of their own.
# - A member that is not in that membership in its own role starts as a
#   non-voting follower, or an observer (it lists itself, without a
#   version, so it adopts the leader's newer configuration) and, once it
#   has synced, adds itself with reconfig (reconfig.sh). Readiness waits
#   for that. The role is its server line's: observers' lines end in
#   :observer and they run with peerType=observer (zoo-observer.cfg).
# - stop.sh (preStop) removes the member again before it stops, so a
#   scale-down never leaves votes behind that nobody casts.

zk_client_port=2181
work_cfg="$data_dir/zoo.cfg"
# The file the member runs with (ZOOCFG, relative to the conf directory:
# zoo-observer.cfg for observers), copied with the dynamic file added.
own_cfg="$conf_dir/${ZOOCFG:-zoo.cfg}"

# conf_of HOST: the membership lines HOST serves and their version=
# line, or nothing.
conf_of() {
  local reply
  reply=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf conf >&3 && cat <&3' _ "$1" "$zk_client_port" 2>/dev/null) || true
  printf '%s\n' "$reply" | sed -n '/^membership:/,$p' | grep -E '^(server\.[0-9]+=|version=)' || true
}

# persisted: the dynamic file the last run of this member used (the
# server moves the pointer in its working zoo.cfg on every reconfig) and
# its version, which the server reads from the file's name.
persisted() {
  local f
  f=$(sed -n 's/^dynamicConfigFile=//p' "$work_cfg" 2>/dev/null | tail -n 1)
  if [ -n "$f" ] && [ -s "$f" ]; then
    grep -E '^server\.[0-9]+=' "$f"
    echo "version=${f##*.}"
  fi
}

# role_of LINE: observer or participant (a rendered voter's line names no
# role: participant is ZooKeeper's default).
role_of() {
  case "${1%%;*}" in
    *:observer) echo observer ;;
    *) echo participant ;;
  esac
}

# is_member: stdin lists this member in the role of its own line.
is_member() {
  local listed
  listed=$(grep -m 1 "^server\.$myid=") || return 1
  [ "$(role_of "$listed")" = "$(role_of "$own_line")" ]
}

own_line=$(grep "^server\.$myid=" "$servers")
members=""
for attempt in $(seq 1 90); do
  for h in $(grep -v "^server\.$myid=" "$servers" | sed 's/^server\.[0-9]*=\([^:]*\):.*/\1/'); do
    members=$(conf_of "$h")
    [ -n "$members" ] && break 2
  done
  members=$(persisted || true)
  [ -n "$members" ] && break
  if [ "$myid" = 1 ] && [ ! -e "$data_dir/version-2" ]; then
    echo "zookeeper-fn: no member answers and this volume has never served: server 1 founds the ensemble" >&2
    members=$own_line
    break
  fi
  [ "$attempt" = 1 ] && echo "zookeeper-fn: waiting for a member of the ensemble to answer (server $myid joins, it never founds)" >&2
  sleep 2
done
if [ -z "$members" ]; then
  founder=$(sed -n 's/^server\.1=\([^.:]*\).*/\1/p' "$servers")
  echo "zookeeper-fn: no member of the ensemble answered and this volume holds no membership; is server 1 (pod ${founder:-?}) running?" >&2
  exit 1
fi

# The membership's version goes into the dynamic file's name, where the
# server reads it: after a whole-ensemble restart, members that had not
# yet applied the last reconfig adopt it from the election messages of
# those that had, which only happens for a higher version (with every
# version 0 such an ensemble never elects a leader: each side refuses the
# other's candidate).
version=$(printf '%s\n' "$members" | sed -n 's/^version=\([0-9a-f]*\)$/\1/p' | tail -n 1)
members=$(printf '%s\n' "$members" | grep -E '^server\.[0-9]+=')
if printf '%s\n' "$members" | is_member; then
  join=false
else
  members=$({
    printf '%s\n' "$members" | grep -v "^server\.$myid="
    printf '%s\n' "$own_line"
  } | sort -u)
  join=true
  # No version: the member adopts the leader's configuration.
  version=""
fi

dyn="$data_dir/zoo.cfg.dynamic.${version:-start}"
printf '%s\n' "$members" >"$dyn.tmp"
mv "$dyn.tmp" "$dyn"
{
  cat "$own_cfg"
  # zoo.cfg may end without a newline.
  printf '\ndynamicConfigFile=%s\n' "$dyn"
} >"$work_cfg.tmp"
mv "$work_cfg.tmp" "$work_cfg"
echo "zookeeper-fn: membership at start (join=$join, version ${version:-none}):" >&2
sed 's/^/  /' "$dyn" >&2

# ZOOCFG is relative to ZOOCFGDIR in zkEnv.sh.
export ZOOCFG="..$work_cfg"
# The superuser that may run reconfig: its digest, computed here with
# ZooKeeper's own tool from the password file, so neither appears in the
# pod spec.
zk_home=$(cd "$(dirname "$(command -v zkServer.sh)")/.." && pwd)
superuser_password=$(cat "$ZKFN_SUPERUSER_FILE")
super_digest=$(java -Xmx32m -cp "$zk_home/lib/*" org.apache.zookeeper.server.auth.DigestAuthenticationProvider "super:$superuser_password" 2>/dev/null | sed -n 's/^.*->//p' | tail -n 1)
unset superuser_password
if [ -z "$super_digest" ]; then
  echo "zookeeper-fn: could not compute the superuser digest with $zk_home/lib" >&2
  exit 1
fi
export SERVER_JVMFLAGS="${SERVER_JVMFLAGS:-} -Dzookeeper.DigestAuthenticationProvider.superDigest=$super_digest"

if [ "$join" = true ]; then
  # Once this member follows (non-voting) or observes, it adds itself.
  (
    until [ "$(conf_of 127.0.0.1 | grep -c .)" -gt 0 ] && bash "$conf_dir/reconfig.sh" add "$own_line"; do
      sleep 2
    done
    echo "zookeeper-fn: server $myid is a member ($(role_of "$own_line"))" >&2
  ) &
fi
