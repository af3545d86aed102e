package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import dev.fleetplane.planner.lifecycle.HostConditions;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostStore;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.planner.spec.SpecVersion;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the dashboard's tables show: the fleet (each host's row, conditions, time in its state, desired beside
 * observed, its newest event), the templates' builds and the console sessions. Host data only of hosts in the
 * caller's scope.
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    /** Inventories looked through for a host's VM, newest first. */
    static final int INVENTORIES = 10;
    static final int TEMPLATE_EVENTS = 2000;
    static final int TEMPLATE_EVENTS_SHOWN = 200;
    static final int CONSOLE_EVENTS = 5000;
    static final int CLOSED_SESSIONS = 50;

    @Inject
    Database database;

    @Inject
    HostStore hosts;

    @Inject
    SpecStore specs;

    @Inject
    DashboardStore store;

    @Inject
    SecurityIdentity identity;

    /**
     * One host of the fleet table.
     *
     * @param stateSince when it entered its state (its newest {@code HostStateChanged} to it, else the row's change)
     * @param desired    the host's {@code proxmox} attributes in the spec version of its plan (else the fleet's newest)
     * @param observed   its VM in the newest inventory that lists it; null when none does
     */
    public record HostRow(String fleet, String host, int vmid, String node, String state, String action, String step,
                          String reason, String ip, String planId, List<HostConditions.Condition> conditions,
                          OffsetDateTime stateSince, Long secondsInState, JsonNode desired, Map<String, Object> observed,
                          DashboardStore.Last lastEvent) {
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/hosts")
    public List<HostRow> hosts(@QueryParam("fleet") String fleet) {
        String f = fleet == null || fleet.isBlank() ? null : fleet.trim();
        HostScope scope = HostScope.of(identity);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return database.read(c -> {
            List<HostRecord> rows = hosts.list(c, f).stream().filter(r -> scope.allows(r.host())).toList();
            List<String> names = rows.stream().map(HostRecord::host).distinct().toList();
            Map<String, DashboardStore.Last> last = store.lastEvents(c, names);
            Map<String, DashboardStore.Entered> entered = store.lastStates(c, names);
            List<DashboardStore.Inventory> inventories = store.inventories(c, INVENTORIES);
            Map<String, Optional<JsonNode>> specOfPlan = new HashMap<>();
            List<HostRow> out = new ArrayList<>();
            for (HostRecord r : rows) {
                DashboardStore.Entered e = entered.get(r.fleet() + "/" + r.host());
                // The log lags the row by a Kafka round trip: its newest change counts only when it is to this state.
                OffsetDateTime since = e != null && r.state().name().equals(e.state()) ? e.at() : r.updatedAt();
                Long seconds = since == null ? null : Math.max(0, Duration.between(since, now).toSeconds());
                String key = r.planId() != null ? "plan:" + r.planId() : "fleet:" + r.fleet();
                if (!specOfPlan.containsKey(key)) {
                    Optional<JsonNode> content = r.planId() != null ? specs.contentOfPlan(c, r.planId())
                            : Optional.empty();
                    if (content.isEmpty()) {
                        content = specs.findLatest(c, r.fleet()).map(SpecVersion::content);
                    }
                    specOfPlan.put(key, content);
                }
                JsonNode desired = specOfPlan.get(key).map(s -> s.path(r.host()).path("proxmox"))
                        .filter(JsonNode::isObject).orElse(null);
                out.add(new HostRow(r.fleet(), r.host(), r.vmid(), r.node(), r.state().name(), r.action(), r.step(),
                        r.reason(), r.ip(), r.planId(), HostConditions.of(r), since, seconds, desired,
                        Observed.of(inventories, r.vmid(), r.node()), last.get(r.host())));
            }
            return out;
        });
    }

    /** {@code builds}: each template's newest build; {@code events}: the newest template events, newest first. */
    public record Templates(List<TemplateBuilds.Build> builds, List<LoggedEvent> events) {
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/templates")
    public Templates templates() {
        List<LoggedEvent> events = database.read(c -> store.ofKinds(c, TemplateBuilds.KINDS, TEMPLATE_EVENTS));
        return new Templates(TemplateBuilds.of(events),
                events.subList(0, Math.min(events.size(), TEMPLATE_EVENTS_SHOWN)));
    }

    @RolesAllowed({Roles.VIEWER, Roles.CI})
    @GET
    @Path("/console-sessions")
    public ConsoleSessions.View consoleSessions() {
        List<LoggedEvent> events = database.read(c -> store.ofKinds(c, List.of(EventCatalog.CONSOLE_SESSION_OPENED,
                EventCatalog.CONSOLE_SESSION_CLOSED), CONSOLE_EVENTS));
        return ConsoleSessions.of(events, HostScope.of(identity), CLOSED_SESSIONS, OffsetDateTime.now(ZoneOffset.UTC));
    }
}
