package dev.fleetplane.events;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every Kafka topic fleetplane uses, declared once: the local stack creates them from this list,
 * and services name them through these constants.
 */
public final class Topics {

    public static final String FLEET_DESIRED = "fleet.desired";
    public static final String FLEET_PLANS = "fleet.plans";
    public static final String PVE_COMMANDS = "pve.commands";
    public static final String PVE_EVENTS = "pve.events";
    public static final String PROVISIONING_COMMANDS = "provisioning.commands";
    public static final String PROVISIONING_EVENTS = "provisioning.events";
    public static final String TEMPLATES_COMMANDS = "templates.commands";
    public static final String TEMPLATES_EVENTS = "templates.events";
    public static final String CONSOLE_SESSIONS = "console.sessions";

    /** Suffix of the dead-letter topic that sits beside every topic. */
    public static final String DLQ_SUFFIX = ".dlq";

    /** Prefix of every header fleetplane adds to a dead-lettered record (docs/events.md, "Dead letters"). */
    public static final String DLQ_HEADER_PREFIX = "fleetplane-dlq-";
    /** Kafka header on a dead-lettered record: why it could not be read or handled. */
    public static final String DLQ_REASON_HEADER = DLQ_HEADER_PREFIX + "reason";
    /** Kafka header on a dead-lettered record: which consumer gave up on it. */
    public static final String DLQ_CONSUMER_HEADER = DLQ_HEADER_PREFIX + "consumer";
    /** Kafka header on a dead-lettered record: where the record came from (topic-partition@offset). */
    public static final String DLQ_ORIGIN_HEADER = DLQ_HEADER_PREFIX + "origin";
    /** Kafka header on a dead-lettered record: how often the handler ran (0: never, the record was refused). */
    public static final String DLQ_ATTEMPTS_HEADER = DLQ_HEADER_PREFIX + "attempts";
    /** Kafka header on a dead-lettered record: the class of the last failure's exception, when there was one. */
    public static final String DLQ_EXCEPTION_HEADER = DLQ_HEADER_PREFIX + "exception";
    /** Kafka header on a dead-lettered record: when the consumer gave up (ISO-8601, UTC). */
    public static final String DLQ_FAILED_AT_HEADER = DLQ_HEADER_PREFIX + "failed-at";

    /**
     * How one topic is created.
     *
     * @param retention empty means infinite retention: the topic is part of the audit trail
     */
    public record TopicSpec(String name, int partitions, Optional<Duration> retention) {
        public TopicSpec {
            if (!name.matches("[a-z0-9.\\-]+")) {
                throw new IllegalArgumentException("topic name must use lower-case letters, digits, '.' and '-': " + name);
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("topic " + name + " needs at least one partition");
            }
        }

        public boolean isAudit() {
            return retention.isEmpty();
        }
    }

    private static final Duration A_MONTH = Duration.ofDays(30);

    /** The declaration: name, partitions, retention. The audit topics keep everything forever. */
    public static final List<TopicSpec> ALL = List.of(
            audit(FLEET_DESIRED, 3),
            audit(FLEET_PLANS, 3),
            audit(PVE_COMMANDS, 6),
            audit(PVE_EVENTS, 6),
            audit(PROVISIONING_COMMANDS, 6),
            audit(PROVISIONING_EVENTS, 6),
            audit(TEMPLATES_COMMANDS, 1),
            audit(TEMPLATES_EVENTS, 1),
            audit(CONSOLE_SESSIONS, 3));

    private Topics() {
    }

    private static TopicSpec audit(String name, int partitions) {
        return new TopicSpec(name, partitions, Optional.empty());
    }

    /** The topics plus one dead-letter topic beside each (a month of retention: operators replay or drop them). */
    public static List<TopicSpec> allWithDeadLetters() {
        var out = new java.util.ArrayList<TopicSpec>(ALL);
        for (TopicSpec t : ALL) {
            out.add(new TopicSpec(dlq(t.name()), 1, Optional.of(A_MONTH)));
        }
        return List.copyOf(out);
    }

    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }

}
