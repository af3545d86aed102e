package dev.fleetplane.templates.it;

import static org.awaitility.Awaitility.await;

import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** A build's story on templates.events, pve.commands and pve.events, as a plain Kafka consumer outside the services sees it. */
final class TemplateTopics implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(120);

    private final TopicRecorder recorder;

    TemplateTopics(String bootstrap) {
        recorder = new TopicRecorder(bootstrap, List.of(Topics.TEMPLATES_EVENTS, Topics.PVE_COMMANDS, Topics.PVE_EVENTS));
    }

    /** The build's events (correlation id = build id), in order. */
    List<FleetEvent> story(String buildId) {
        return recorder.events().stream().filter(e -> buildId.equals(e.correlationId())).toList();
    }

    <T> List<T> all(String buildId, EventKind<T> kind) {
        return story(buildId).stream().filter(e -> e.is(kind)).map(e -> e.dataAs(kind)).toList();
    }

    <T> T one(String buildId, EventKind<T> kind) {
        List<T> found = all(buildId, kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind.type() + " of build " + buildId + ", got " + found.size()
                    + ": " + story(buildId).stream().map(FleetEvent::type).toList());
        }
        return found.get(0);
    }

    /** Waits for the build's first event of one of {@code kinds}. */
    FleetEvent awaitFirst(String buildId, EventKind<?>... kinds) {
        return await().atMost(WAIT).until(() -> story(buildId).stream()
                .filter(e -> Arrays.stream(kinds).anyMatch(e::is)).findFirst().orElse(null), e -> e != null);
    }

    @Override
    public void close() throws InterruptedException {
        recorder.close();
    }
}
