#!/bin/sh
# Creates fleetplane's topics on an existing Kafka cluster with Kafka's own admin tool, kafka-topics.sh.
# Idempotent: a topic that exists already is left as it is (--if-not-exists); its partitions and retention are not
# changed (raise partitions with `kafka-topics.sh --alter --partitions N`, retention with kafka-configs.sh).
#
# The list below is fleet-events' Topics.allWithDeadLetters(): name, partitions, retention.ms (-1 keeps the audit
# topics forever; a dead-letter topic keeps a month). deploy-tests' CreateTopicsScriptTest fails when they differ.
# Partitions bound the replicas of the services that consume a topic (docs/scaling.md).
#
#   KAFKA_BOOTSTRAP_SERVERS    broker list (default 127.0.0.1:9092)
#   KAFKA_TOPICS               the kafka-topics.sh to run (default: kafka-topics.sh on the PATH)
#   KAFKA_REPLICATION_FACTOR   replicas of each partition (default: the broker's default.replication.factor)
#   KAFKA_COMMAND_CONFIG       a client properties file for TLS/SASL (optional)
set -eu

bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}
tool=${KAFKA_TOPICS:-kafka-topics.sh}
if ! command -v "$tool" >/dev/null 2>&1; then
    echo "create-topics.sh: $tool not found: set KAFKA_TOPICS to Kafka's bin/kafka-topics.sh" >&2
    exit 69
fi

while read -r name partitions retention_ms; do
    [ -n "$name" ] || continue
    set -- --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
        --partitions "$partitions" --config "retention.ms=$retention_ms"
    if [ -n "${KAFKA_REPLICATION_FACTOR:-}" ]; then
        set -- "$@" --replication-factor "$KAFKA_REPLICATION_FACTOR"
    fi
    if [ -n "${KAFKA_COMMAND_CONFIG:-}" ]; then
        set -- "$@" --command-config "$KAFKA_COMMAND_CONFIG"
    fi
    if ! "$tool" "$@"; then
        echo "create-topics.sh: creating topic $name ($partitions partitions, retention.ms=$retention_ms) on $bootstrap failed" >&2
        exit 1
    fi
    echo "topic $name: $partitions partitions, retention.ms=$retention_ms"
done <<'TOPICS'
fleet.desired 3 -1
fleet.plans 3 -1
pve.commands 6 -1
pve.events 6 -1
provisioning.commands 6 -1
provisioning.events 6 -1
templates.commands 1 -1
templates.events 1 -1
console.sessions 3 -1
fleet.desired.dlq 1 2592000000
fleet.plans.dlq 1 2592000000
pve.commands.dlq 1 2592000000
pve.events.dlq 1 2592000000
provisioning.commands.dlq 1 2592000000
provisioning.events.dlq 1 2592000000
templates.commands.dlq 1 2592000000
templates.events.dlq 1 2592000000
console.sessions.dlq 1 2592000000
TOPICS
