package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each template's newest build is, from the templates' events: {@code Ready} (its VMID), {@code Rejected}
 * (step and reason) or {@code Building} (the last step it reported). Pure.
 */
public final class TemplateBuilds {

    /** The template builder's events and command the dashboard reads. */
    static final List<EventKind<?>> KINDS = List.of(EventCatalog.BUILD_TEMPLATE, EventCatalog.TEMPLATE_BUILD_STARTED,
            EventCatalog.TEMPLATE_BUILT, EventCatalog.TEMPLATE_IMAGE_CHECKED, EventCatalog.TEMPLATE_UPLOADED,
            EventCatalog.TEMPLATE_CANDIDATE_CREATED, EventCatalog.TEMPLATE_SMOKE_TESTED, EventCatalog.TEMPLATE_READY,
            EventCatalog.TEMPLATE_REJECTED, EventCatalog.TEMPLATE_DELETED);

    /**
     * One template's newest build.
     *
     * @param status  {@code Ready}, {@code Rejected} or {@code Building}
     * @param step    the last step reported (the event's name without {@code fleetplane.template.})
     * @param reason  why it was rejected (with the step it failed in); null otherwise
     * @param time    the time of the build's newest event
     */
    public record Build(String template, String buildId, String status, String step, Integer vmid, String node,
                        String reason, OffsetDateTime time, String correlationId) {
    }

    private TemplateBuilds() {
    }

    /** The newest build of each template named in {@code newestFirst}, by template name. */
    public static List<Build> of(List<LoggedEvent> newestFirst) {
        Map<String, Build> out = new LinkedHashMap<>();
        Map<String, String> buildOf = new LinkedHashMap<>();
        Map<String, Build> byBuild = new LinkedHashMap<>();
        // Oldest first, so a build's later events overwrite what its earlier ones said.
        List<LoggedEvent> ordered = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(ordered);
        for (LoggedEvent e : ordered) {
            JsonNode d = e.data();
            if (d == null || e.type().startsWith(EventCatalog.TEMPLATE_DELETED.name())) {
                continue;
            }
            String template = text(d, "template");
            boolean command = e.type().startsWith(EventCatalog.BUILD_TEMPLATE.name());
            String buildId = command ? e.id() : text(d, "buildId");
            if (template == null || buildId == null) {
                continue;
            }
            Build before = byBuild.get(buildId);
            String step = e.type().replaceFirst("^fleetplane\\.template\\.", "").replaceFirst("\\.v\\d+$", "");
            String status = "Building";
            String reason = null;
            Integer vmid = before != null ? before.vmid() : null;
            String node = before != null ? before.node() : text(d, "node");
            if (e.type().startsWith(EventCatalog.TEMPLATE_READY.name())) {
                status = "Ready";
                vmid = d.path("vmid").asInt();
                node = text(d, "node");
            } else if (e.type().startsWith(EventCatalog.TEMPLATE_REJECTED.name())) {
                status = "Rejected";
                step = text(d, "step");
                reason = text(d, "reason");
            } else if (d.has("vmid")) {
                vmid = d.path("vmid").asInt();
            }
            Build b = new Build(template, buildId, status, step, vmid, node != null ? node : text(d, "node"), reason,
                    e.time(), e.correlationId());
            byBuild.put(buildId, b);
            buildOf.put(template, buildId);
        }
        for (Map.Entry<String, String> t : buildOf.entrySet()) {
            out.put(t.getKey(), byBuild.get(t.getValue()));
        }
        return new ArrayList<>(out.values());
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
