#!/usr/bin/env bash
# Runs the plan benchmark: builds bench (and what it needs) when missing, then prints the figures.
#   bench/run.sh [--sizes 1000,10000] [--runs 15] [--launches 5] [--skip-process]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cp_file="$here/target/bench.classpath"
if [[ ! -f "$cp_file" || ! -d "$here/target/classes" ]]; then
  (cd "$root" && mvn -B -q -pl bench -am install -DskipTests)
fi
if [[ ! -f "$root/fleetctl/target/fleetctl.classpath" ]]; then
  echo "bench: build the CLI first (./fleetplane --version builds it)" >&2
  exit 1
fi
exec java -Xms512m -Xmx2g -cp "$(cat "$cp_file"):$here/target/classes" dev.fleetplane.bench.PlanBench --root "$root" "$@"
