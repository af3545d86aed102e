#!/usr/bin/env bash
# Runs the clone benchmark: 100 clone -> configure -> start chains through the packaged proxmox-adapter against the
# PVE simulator (real Kafka + PostgreSQL). Builds bench and the adapter when missing, then prints the figures.
#   bench/clone-bench.sh [--vms 100] [--bound 4] [--clone-ms 2000] [--start-ms 1000] [--config-ms 50] [--poll PT0.2S]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cp_file="$here/target/bench.classpath"
if [[ ! -f "$cp_file" || ! -f "$here/target/classes/dev/fleetplane/bench/CloneBench.class" ]]; then
  (cd "$root" && mvn -B -q -pl bench -am install -DskipTests)
fi
if [[ ! -f "$root/proxmox-adapter/target/quarkus-app/quarkus-run.jar" ]]; then
  (cd "$root" && mvn -B -q -pl proxmox-adapter package -DskipTests)
fi
exec java -Xmx1g -cp "$(cat "$cp_file"):$here/target/classes" dev.fleetplane.bench.CloneBench --root "$root" "$@"
