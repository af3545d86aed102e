package dev.fleetplane.messaging;

import dev.fleetplane.events.EventCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every {@code fleetplane_*} meter a service registers, in one place: its name, its tags and its buckets, so the
 * Grafana example ({@code examples/grafana/fleetplane.json}) and the tests can be checked against one list. Tags stay
 * low-cardinality: a consumer, an event type of the catalogue, a Proxmox operation, a step; never a host or a VMID.
 * Prometheus sees the names with {@code _total} (counters), {@code _seconds_*} (timers) appended.
 */
@Singleton
public class FleetMetrics {

    public static final String EVENTS_HANDLED = "fleetplane.events.handled";
    public static final String EVENTS_FAILED = "fleetplane.events.failed";
    public static final String CONSUMER_LAG = "fleetplane.consumer.lag";
    public static final String OUTBOX_BACKLOG = "fleetplane.outbox.backlog";
    public static final String PVE_CALL = "fleetplane.pve.call";
    public static final String PVE_TASK = "fleetplane.pve.task";
    public static final String PROVISIONING_STEP = "fleetplane.provisioning.step";
    public static final String CONSOLE_SESSIONS = "fleetplane.console.sessions";
    public static final String CONSOLE_VIEWERS = "fleetplane.console.viewers";

    /** A Proxmox API call: tens of milliseconds on a LAN, up to pveproxy's 30 s limit. */
    private static final Duration[] CALL_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    /** A Proxmox task (clone, start, restore…): seconds to many minutes. */
    private static final Duration[] TASK_BUCKETS = seconds(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800);
    /** A provisioning step (an SSH probe is seconds, a nixos-rebuild can take most of an hour). */
    private static final Duration[] STEP_BUCKETS = seconds(0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1200, 3600);

    private final MeterRegistry registry;

    @Inject
    public FleetMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A consumer handled (committed the effect of) an event of {@code type}. */
    public void eventHandled(String consumer, String type) {
        Counter.builder(EVENTS_HANDLED).description("events a consumer handled, per type")
                .tags("consumer", consumer, "type", knownType(type)).register(registry).increment();
    }

    /**
     * A consumer gave up on an event: {@code reason} is {@code unreadable} (not a CloudEvent), {@code refused} (a type
     * it does not handle) or {@code failed} (the handler kept failing); the record went to the topic's DLQ.
     */
    public void eventFailed(String consumer, String type, String reason) {
        Counter.builder(EVENTS_FAILED).description("events a consumer dead-lettered, per type and reason")
                .tags("consumer", consumer, "type", knownType(type), "reason", reason).register(registry).increment();
    }

    /** The lag of one consumer group on one partition, read from {@code lag} whenever Prometheus scrapes. */
    public <T> void consumerLag(String group, String topic, int partition, T state,
                                java.util.function.ToDoubleFunction<T> lag) {
        Gauge.builder(CONSUMER_LAG, state, lag).description("records behind the end of the partition (end offset"
                        + " minus the group's committed offset)")
                .tags("group", group, "topic", topic, "partition", Integer.toString(partition)).register(registry);
    }

    /** Outbox rows not yet published, read at each scrape. */
    public void outboxBacklog(Supplier<Number> rows) {
        Gauge.builder(OUTBOX_BACKLOG, rows).description("outbox rows waiting to be published to Kafka")
                .register(registry);
    }

    /**
     * One Proxmox API call: {@code operation} is the client's name for the endpoint ({@code clone}, {@code status},
     * {@code task-status}…), {@code outcome} {@code ok} or the failure kind.
     */
    public void pveCall(String operation, String method, String outcome, Duration elapsed) {
        Timer.builder(PVE_CALL).description("Proxmox API call latency per endpoint")
                .tags("operation", operation, "method", method, "outcome", outcome)
                .serviceLevelObjectives(CALL_BUCKETS).register(registry).record(elapsed);
    }

    /** A Proxmox task the adapter followed, from the command's dispatch to its end. */
    public void pveTask(String operation, String outcome, Duration elapsed) {
        Timer.builder(PVE_TASK).description("Proxmox task duration per operation, dispatch to end")
                .tags("operation", operation, "outcome", outcome)
                .serviceLevelObjectives(TASK_BUCKETS).register(registry).record(elapsed);
    }

    /** One provisioning step on a guest; {@code outcome} is the state the saga went to. */
    public void provisioningStep(String step, String outcome, Duration elapsed) {
        Timer.builder(PROVISIONING_STEP).description("provisioning step duration per step")
                .tags("step", step, "outcome", outcome)
                .serviceLevelObjectives(STEP_BUCKETS).register(registry).record(elapsed);
    }

    /** Open console lines (one per VM) and the viewers on them, read at each scrape. */
    public void consoles(Supplier<Number> sessions, Supplier<Number> viewers) {
        Gauge.builder(CONSOLE_SESSIONS, sessions).description("open console sessions (one line per VM)")
                .register(registry);
        Gauge.builder(CONSOLE_VIEWERS, viewers).description("viewers attached to console sessions")
                .register(registry);
    }

    /** Every name a Prometheus scrape shows for these meters (what a dashboard may query). */
    public static List<String> prometheusNames() {
        return List.of("fleetplane_events_handled_total", "fleetplane_events_failed_total", "fleetplane_consumer_lag",
                "fleetplane_outbox_backlog", "fleetplane_pve_call_seconds_bucket", "fleetplane_pve_call_seconds_count",
                "fleetplane_pve_call_seconds_sum", "fleetplane_pve_call_seconds_max",
                "fleetplane_pve_task_seconds_bucket", "fleetplane_pve_task_seconds_count",
                "fleetplane_pve_task_seconds_sum", "fleetplane_pve_task_seconds_max",
                "fleetplane_provisioning_step_seconds_bucket", "fleetplane_provisioning_step_seconds_count",
                "fleetplane_provisioning_step_seconds_sum", "fleetplane_provisioning_step_seconds_max",
                "fleetplane_console_sessions", "fleetplane_console_viewers");
    }

    /** A type outside the catalogue (anyone can write any type to a topic) is counted as {@code unknown}. */
    static String knownType(String type) {
        return type != null && EventCatalog.byType(type).isPresent() ? type : "unknown";
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
