#!/usr/bin/env bash
# install.sh: install logback (Debian's liblogback-java, 1.2.x like the
# official ZooKeeper image's 1.2.13) and a JDK for e2e/logback, once. It
# needs root (or passwordless sudo) and fails loudly, naming the package.
set -euo pipefail

ok() { [ -r /usr/share/java/logback-classic.jar ] && [ -r /usr/share/java/logback-core.jar ] &&
	[ -r /usr/share/java/slf4j-api.jar ] && command -v java >/dev/null; }
ok && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if ! $sudo apt-get install -y --no-install-recommends liblogback-java openjdk-17-jre-headless >&2; then
	$sudo apt-get update >&2
	$sudo apt-get install -y --no-install-recommends liblogback-java openjdk-17-jre-headless >&2
fi
ok || { echo "install liblogback-java and a Java runtime (apt-get install liblogback-java openjdk-17-jre-headless)" >&2; exit 1; }
