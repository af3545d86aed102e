package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.TopicStats;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.topics.TopicHistory;
import dev.fleetplane.planner.topics.TopicSampler;
import dev.fleetplane.planner.topics.TopicsOverview;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * fleetplane's topics as the broker has them now (partitions, offsets, the consumer groups on them and their lag, the
 * dead letters held) and the sampler's history of event rate, lag and dead letters. Topic figures are not host data:
 * a token limited to some hosts sees them whole.
 */
@Path("/api/v1/topics")
@Produces(MediaType.APPLICATION_JSON)
public class TopicResource {

    /** {@code GET /api/v1/topics/history}. */
    public record History(double intervalSeconds, List<TopicHistory.Sample> samples) {
    }

    @Inject
    TopicStats stats;

    @Inject
    TopicSampler sampler;

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    public TopicsOverview topics() {
        TopicStats.Snapshot snapshot;
        try {
            snapshot = stats.read();
        } catch (TopicStats.KafkaUnavailable e) {
            throw new ApiException(503, e.getMessage());
        }
        return TopicsOverview.of(snapshot, sampler.history().rates());
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/history")
    public History history() {
        return new History(sampler.interval().toMillis() / 1000.0, sampler.history().samples());
    }
}
