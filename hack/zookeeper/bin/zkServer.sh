#!/usr/bin/env bash
# zkServer.sh: a stand-in, for the end-to-end suite only, for the zkServer.sh
# that the official zookeeper image puts on PATH. The rendered start.sh ends
# in `exec zkServer.sh --config "$ZOOCFGDIR" start-foreground`; Debian's own
# zkServer.sh cannot serve here because its zkEnv.sh hard-codes
# ZOOCFGDIR=/etc/zookeeper/conf (it ignores --config) and knows neither
# ZK_SERVER_HEAP nor SERVER_JVMFLAGS.
#
# What it keeps from upstream's zkEnv.sh/zkServer.sh (release 3.9) for
# start-foreground:
#   - `--config DIR` sets ZOOCFGDIR; the config file is $ZOOCFGDIR/zoo.cfg
#     (ZOOCFG names another file in that directory);
#   - $ZOOCFGDIR/java.env is sourced when present;
#   - ZK_SERVER_HEAP (default 1000) becomes -Xmx${ZK_SERVER_HEAP}m, in front
#     of SERVER_JVMFLAGS, and JVMFLAGS="$SERVER_JVMFLAGS $JVMFLAGS";
#   - $ZOOCFGDIR comes first on the classpath; ZOO_LOG_DIR (default .) is
#     created when it is not writable;
#   - JMX is on unless JMXDISABLE is set, as upstream;
#   - java is exec'ed, so the server keeps this process's pid.
# What differs: the classpath is Debian's jars (ZooKeeper 3.8 from the
# package `zookeeper`) plus ZKFN_ZK_LOG4J_DIR (a log4j.properties, because
# Debian's build logs through log4j 1.2 where the image uses logback).
set -euo pipefail

if [ "${1:-}" = "--config" ]; then
	[ $# -ge 2 ] || { echo "zkServer.sh: --config needs a directory" >&2; exit 2; }
	ZOOCFGDIR=$2
	shift 2
fi
: "${ZOOCFGDIR:?zkServer.sh: ZOOCFGDIR is not set and no --config was given}"
ZOOCFG="$ZOOCFGDIR/${ZOOCFG:-zoo.cfg}"

if [ -e "$ZOOCFGDIR/java.env" ]; then
	# shellcheck disable=SC1091
	. "$ZOOCFGDIR/java.env"
fi

ZOO_LOG_DIR=${ZOO_LOG_DIR:-.}
JAVA=${JAVA:-java}
ZK_SERVER_HEAP="${ZK_SERVER_HEAP:-1000}"
SERVER_JVMFLAGS="-Xmx${ZK_SERVER_HEAP}m ${SERVER_JVMFLAGS:-}"
JVMFLAGS="$SERVER_JVMFLAGS ${JVMFLAGS:-}"

if [ -z "${JMXDISABLE:-}" ] || [ "$JMXDISABLE" = false ]; then
	ZOOMAIN="-Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.local.only=${JMXLOCALONLY:-false} org.apache.zookeeper.server.quorum.QuorumPeerMain"
else
	ZOOMAIN="org.apache.zookeeper.server.quorum.QuorumPeerMain"
fi

jars=/usr/share/java
CLASSPATH="$ZOOCFGDIR"
[ -n "${ZKFN_ZK_LOG4J_DIR:-}" ] && CLASSPATH="$CLASSPATH:$ZKFN_ZK_LOG4J_DIR"
for j in zookeeper.jar zookeeper-jute.jar slf4j-log4j12.jar log4j-1.2.jar servlet-api.jar; do
	[ -r "$jars/$j" ] || { echo "zkServer.sh: $jars/$j is missing: run hack/zookeeper/install.sh" >&2; exit 1; }
	CLASSPATH="$CLASSPATH:$jars/$j"
done
# Netty, for serverCnxnFactory=NettyServerCnxnFactory (TLS on the client
# port); the official image has these jars in its lib directory.
for j in netty-buffer netty-codec netty-common netty-handler netty-resolver netty-transport \
	netty-transport-native-unix-common netty-transport-native-epoll; do
	[ -r "$jars/$j.jar" ] || { echo "zkServer.sh: $jars/$j.jar is missing: run hack/zookeeper/install.sh" >&2; exit 1; }
	CLASSPATH="$CLASSPATH:$jars/$j.jar"
done

[ -w "$ZOO_LOG_DIR" ] || mkdir -p "$ZOO_LOG_DIR"
ZOO_LOG_FILE=zookeeper-${USER:-$(id -un)}-server-${HOSTNAME:-$(hostname)}.log

case "${1:-}" in
start-foreground)
	echo "Using config: $ZOOCFG" >&2
	# Word splitting of JVMFLAGS and ZOOMAIN is upstream's behaviour.
	# shellcheck disable=SC2086
	exec "$JAVA" "-Dzookeeper.log.dir=$ZOO_LOG_DIR" "-Dzookeeper.log.file=$ZOO_LOG_FILE" \
		-XX:+HeapDumpOnOutOfMemoryError -XX:OnOutOfMemoryError='kill -9 %p' \
		-cp "$CLASSPATH" $JVMFLAGS $ZOOMAIN "$ZOOCFG"
	;;
*)
	echo "zkServer.sh (e2e stand-in): only start-foreground is supported, got: ${1:-nothing}" >&2
	exit 2
	;;
esac
