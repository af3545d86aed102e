#!/usr/bin/env bash
# Runs the provisioning benchmark: ProvisionHost -> ProvisioningSucceeded through the packaged proxmox-adapter and
# provisioner-service against the PVE simulator's network-namespace guests (real Kafka + PostgreSQL, real sshd).
# Needs root (network namespaces). Builds bench and the two service jars when missing, then prints the figures.
#   bench/provision-bench.sh [--hosts 20] [--singles 3] [--workers 4,20] [--keepalive PT2S] [--keep-logs true]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cp_file="$here/target/bench.classpath"
if [[ ! -f "$cp_file" || ! -f "$here/target/classes/dev/fleetplane/bench/ProvisionBench.class" ]]; then
  (cd "$root" && mvn -B -q -pl bench -am install -DskipTests)
fi
if [[ ! -f "$root/proxmox-adapter/target/quarkus-app/quarkus-run.jar" \
   || ! -f "$root/provisioner-service/target/quarkus-app/quarkus-run.jar" ]]; then
  (cd "$root" && mvn -B -q -pl proxmox-adapter,provisioner-service package -DskipTests)
fi
# exec: Ctrl-C reaches the JVM directly, whose shutdown hooks stop the services, the guests and their namespaces.
exec java -Xmx512m -cp "$(cat "$cp_file"):$here/target/classes" dev.fleetplane.bench.ProvisionBench --root "$root" "$@"
