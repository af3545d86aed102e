package dev.fleetplane.planner.power;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.planner.lifecycle.HostRecord;
import dev.fleetplane.planner.lifecycle.HostState;
import dev.fleetplane.planner.lifecycle.HostStore;
import dev.fleetplane.planner.spec.SpecStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts fleetplane owns, for day-2 actions: each Proxmox host of a fleet's applied spec (the spec of its latest
 * applied plan) with its {@code readonly} flag, plus hosts the lifecycle still tracks (not Gone) that a later spec
 * dropped. The VMID is the lifecycle row's (the VM that exists) when there is one, else the spec's.
 */
@ApplicationScoped
public class AppliedHosts {

    /** One owned host. */
    public record Owned(String fleet, String host, int vmid, boolean readonly, HostState state) {
    }

    @Inject
    SpecStore specs;

    @Inject
    HostStore hosts;

    /** Owned hosts of {@code fleet}, or of every fleet when it is null. */
    public List<Owned> of(Connection c, String fleet) throws SQLException {
        Map<String, Owned> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> applied : latestAppliedPlans(c, fleet).entrySet()) {
            JsonNode spec = specs.contentOfPlan(c, applied.getValue()).orElse(null);
            if (spec == null) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                JsonNode px = h.getValue().path("proxmox");
                if (h.getKey().startsWith("_") || !px.isObject() || !px.path("vmid").canConvertToInt()) {
                    continue;
                }
                out.put(applied.getKey() + "/" + h.getKey(), new Owned(applied.getKey(), h.getKey(),
                        px.path("vmid").asInt(), px.path("readonly").asBoolean(false), null));
            }
        }
        for (HostRecord r : hosts.list(c, fleet)) {
            String key = r.fleet() + "/" + r.host();
            Owned inSpec = out.get(key);
            if (r.state() == HostState.Gone) {
                continue;
            }
            out.put(key, new Owned(r.fleet(), r.host(), r.vmid(), inSpec != null && inSpec.readonly(), r.state()));
        }
        return new ArrayList<>(out.values());
    }

    private static Map<String, String> latestAppliedPlans(Connection c, String fleet) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT ON (fleet) fleet, id FROM plan
                WHERE applied_at IS NOT NULL AND (?::text IS NULL OR fleet = ?)
                ORDER BY fleet, applied_at DESC""")) {
            ps.setString(1, fleet);
            ps.setString(2, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString("fleet"), rs.getString("id"));
                }
            }
        }
        return out;
    }
}
