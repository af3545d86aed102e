package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.DeadLetterBrowser;
import dev.fleetplane.messaging.DeadLetterReplay;
import dev.fleetplane.messaging.DeadLetterView;
import dev.fleetplane.messaging.TopicStats;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.topics.DeadLetterEntry;
import dev.fleetplane.planner.topics.DeadLetterReplays;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The dead letters of fleetplane's topics, newest first, and their replay to the topic they came from (once each:
 * {@code dead_letter_replay} is written before the record is sent). A token limited to some hosts sees and replays
 * only dead letters whose key is one of its hosts.
 */
@Path("/api/v1/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final Logger LOG = Logger.getLogger(DeadLetterResource.class);
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    /** Where the replayed copy landed. */
    public record Replayed(String replayedTo, int partition, long offset) {
    }

    @Inject
    Database database;

    @Inject
    DeadLetterBrowser browser;

    @Inject
    DeadLetterReplay replay;

    @Inject
    SecurityIdentity identity;

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    public List<DeadLetterEntry> list(@QueryParam("topic") String topic, @QueryParam("limit") String limit) {
        List<String> topics = topic == null || topic.isBlank() ? TopicStats.deadLetterTopics()
                : List.of(knownTopic(topic.trim()));
        int n = limit(limit);
        HostScope scope = HostScope.of(identity);
        List<DeadLetterView> views = new ArrayList<>();
        try {
            for (ConsumerRecord<String, byte[]> r : browser.newest(topics, n)) {
                if (scope.allows(r.key()) && views.size() < n) {
                    views.add(DeadLetterView.of(r));
                }
            }
        } catch (KafkaException | TopicStats.KafkaUnavailable e) {
            throw new ApiException(503, "Kafka did not answer: " + e.getMessage());
        }
        List<DeadLetterReplays.Position> positions = views.stream()
                .map(v -> new DeadLetterReplays.Position(v.topic(), v.partition(), v.offset())).toList();
        Map<DeadLetterReplays.Position, DeadLetterReplays.Replay> replays = database.read(
                c -> DeadLetterReplays.of(c, positions));
        return views.stream().map(v -> DeadLetterEntry.of(v,
                replays.get(new DeadLetterReplays.Position(v.topic(), v.partition(), v.offset())))).toList();
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{topic}/{partition}/{offset}/replay")
    public Response replay(@PathParam("topic") String topic, @PathParam("partition") String partition,
                           @PathParam("offset") String offset) {
        String dlq = knownTopic(topic);
        int p = (int) number("partition", partition, Integer.MAX_VALUE);
        long o = number("offset", offset, Long.MAX_VALUE);
        DeadLetterReplays.Position at = new DeadLetterReplays.Position(dlq, p, o);
        ConsumerRecord<String, byte[]> record;
        try {
            int partitions = browser.partitions(dlq);
            if (p >= partitions) {
                throw new ApiException(400, "partition " + p + " is out of range: " + dlq + " has "
                        + (partitions == 0 ? "no partitions yet (no dead letter was ever written to it)"
                        : "partitions 0.." + (partitions - 1)));
            }
            Optional<ConsumerRecord<String, byte[]>> found = browser.record(new TopicPartition(dlq, p), o);
            record = found.orElseThrow(() -> new ApiException(404, "no dead letter at " + at
                    + " (past the end, or dropped by the topic's retention)"));
        } catch (KafkaException | TopicStats.KafkaUnavailable e) {
            throw new ApiException(503, "Kafka did not answer: " + e.getMessage());
        }
        HostScope scope = HostScope.of(identity);
        if (!scope.allows(record.key())) {
            throw new ApiException(403, scope.refusal(record.key()));
        }
        String by = identity.getPrincipal().getName();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        boolean claimed = database.inTransaction(c -> DeadLetterReplays.claim(c, at, by, now));
        if (!claimed) {
            Optional<DeadLetterReplays.Replay> before = database.read(c -> DeadLetterReplays.find(c, at));
            throw new ApiException(409, "the dead letter at " + at + " was already replayed"
                    + before.map(r -> " by " + r.by() + " at " + r.at()).orElse(""));
        }
        DeadLetterReplay.Replayed sent;
        try {
            sent = replay.replay(record, by);
        } catch (DeadLetterReplay.ReplayFailed e) {
            database.inTransaction(c -> {
                DeadLetterReplays.release(c, at);
                return null;
            });
            LOG.warnf("replay of dead letter %s by %s failed: %s", at, by, e.getMessage());
            throw new ApiException(502, "the dead letter at " + at + " was not replayed: " + e.getMessage());
        }
        // the key and event id as the view cleaned them: anyone can write to a topic, a log line stays one line
        DeadLetterView view = DeadLetterView.of(record);
        LOG.infof("dead letter %s (key %s, event %s) replayed by %s to %s-%d@%d", at, view.key(), view.eventId(), by,
                sent.topic(), sent.partition(), sent.offset());
        return Response.accepted(new Replayed(sent.topic(), sent.partition(), sent.offset())).build();
    }

    /** {@code topic} when it is one of the dead-letter topics, else a 400 naming them. */
    static String knownTopic(String topic) {
        List<String> known = TopicStats.deadLetterTopics();
        if (!known.contains(topic)) {
            throw new ApiException(400, "'" + topic + "' is not a dead-letter topic; the dead-letter topics are "
                    + String.join(", ", known));
        }
        return topic;
    }

    static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "limit must be a whole number, got '" + value + "'");
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new ApiException(400, "limit must be between 1 and " + MAX_LIMIT + ", got " + value.trim());
        }
        return (int) n;
    }

    /** A whole number from 0 to {@code max}, else a 400 naming the parameter. */
    static long number(String name, String value, long max) {
        long n;
        try {
            n = Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a whole number, got '" + value + "'");
        }
        if (n < 0 || n > max) {
            throw new ApiException(400, name + " must be between 0 and " + max + ", got " + n);
        }
        return n;
    }
}
