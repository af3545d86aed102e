#!/usr/bin/env bash
# Runs the console benchmark: keystroke round trip through the packaged console-gateway vs straight to the PVE
# simulator's termproxy, then one console with many viewers (real Kafka + PostgreSQL for the gateway's audit).
# Builds bench and the gateway when missing (package, never install), then prints the figures.
#   bench/console-bench.sh [--keystrokes 1000] [--blocks 10] [--viewers 50] [--warmup 100] [--line 20]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cp_file="$here/target/bench.classpath"
if [[ ! -f "$cp_file" || ! -f "$here/target/classes/dev/fleetplane/bench/console/ConsoleBench.class"
      || ! -f "$root/console-gateway/target/quarkus-app/quarkus-run.jar" ]]; then
  (cd "$root" && mvn -B -q -o -pl bench,console-gateway -am package -DskipTests)
fi
exec java -Xmx512m -cp "$(cat "$cp_file"):$here/target/classes" dev.fleetplane.bench.console.ConsoleBench \
  --root "$root" "$@"
