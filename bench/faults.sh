#!/usr/bin/env bash
# The fault matrix (bench/README.md, "Fault matrix"): ./fleetplane up on the simulator, then each cell kills one
# process at one step of a fresh host and checks that every host ends Ready with each effect once.
#   bench/faults.sh                                   # every cell, one new host per cell
#   bench/faults.sh --hosts 20                        # 20 new hosts per cell
#   bench/faults.sh --cells planner-service@CLONING,kafka@REBUILD --doc docs/fault-matrix.md
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
[ -f fleetctl/target/fleetctl.classpath ] || ./fleetplane --version >/dev/null   # builds the CLI and the services once, if needed
if [ ! -f bench/target/classes/dev/fleetplane/bench/faults/FaultMatrix.class ] || [ ! -f bench/target/bench.classpath ]; then
  mvn -B -q -pl bench -am package -DskipTests >&2
fi
exec java -Dfleetplane.home="$repo" -cp "bench/target/classes:$(cat bench/target/bench.classpath)" \
  dev.fleetplane.bench.faults.FaultMatrix "$@"
