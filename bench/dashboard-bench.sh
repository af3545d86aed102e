#!/usr/bin/env bash
# Runs the dashboard benchmark: the lag of the planner's live event stream (/api/v1/events/stream) behind Kafka at a
# steady event rate, and the planner's RSS with many streams open (real Kafka + PostgreSQL, the packaged planner).
# Builds bench and the planner when missing (package, never install), then prints the figures.
#   bench/dashboard-bench.sh [--rate 1000] [--seconds 20] [--streams 20] [--warmup 500]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cp_file="$here/target/bench.classpath"
if [[ ! -f "$cp_file" || ! -f "$here/target/classes/dev/fleetplane/bench/dashboard/DashboardBench.class"
      || ! -f "$root/planner-service/target/quarkus-app/quarkus-run.jar" ]]; then
  (cd "$root" && mvn -B -q -o -pl bench,planner-service -am package -DskipTests)
fi
exec java -Xmx512m -cp "$(cat "$cp_file"):$here/target/classes" dev.fleetplane.bench.dashboard.DashboardBench \
  --root "$root" "$@"
