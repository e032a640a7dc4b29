#!/usr/bin/env bash
# Writes the cost job's current state layout as a savepoint under savepoints/layouts/cost/<name>
# (run it when a release changes a state type, then commit the folder):
#   savepoints/write-layout.sh v3
set -euo pipefail
cd "$(dirname "$0")"
name="${1:?layout name, for example v3}"
(cd .. && mvn -q -B -DskipTests install -pl savepoints -am)
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
opens=$(sed -n 's:.*<flink.jvm.opens>\(.*\)</flink.jvm.opens>.*:\1:p' ../pom.xml)
printf -- '-cp target/test-classes:target/classes:%s\n' "$(cat target/test-classpath.txt)" > target/java.args
# shellcheck disable=SC2086
java $opens @target/java.args dev.aifactory.savepoints.layouts.WriteCostLayout "layouts/cost/$name"
