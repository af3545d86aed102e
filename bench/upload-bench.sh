#!/usr/bin/env bash
# Runs the template upload benchmark: one file of --mib MiB through cat, scp, the sftp route (NodeSftp) and the api
# route (proxmox-client upload + imgcopy task) against the PVE simulator on loopback. Builds bench when missing.
#   bench/upload-bench.sh [--mib 1024] [--runs 1] [--checksum true]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cp_file="$here/target/bench.classpath"
if [[ ! -f "$cp_file" || ! -f "$here/target/classes/dev/fleetplane/bench/TemplateUploadBench.class" ]]; then
  (cd "$root" && mvn -B -q -pl bench -am install -DskipTests)
fi
exec java -Xmx512m -cp "$(cat "$cp_file"):$here/target/classes" dev.fleetplane.bench.TemplateUploadBench "$@"
