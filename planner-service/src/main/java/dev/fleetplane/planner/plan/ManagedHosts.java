package dev.fleetplane.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.plancore.plan.ManagedHost;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.plancore.spec.HostsSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the fleet manages already, as the diff engine needs it: each host's VM (from the lifecycle's rows; Gone
 * hosts are no longer managed), whether it was adopted, and the host's own {@code allowDestroy}/{@code readonly}
 * as written in the spec of the plan that last took it (read only for hosts that left the spec).
 */
@ApplicationScoped
public class ManagedHosts {

    @Inject
    SpecStore specs;

    /**
     * The node whose inventory a plan of {@code spec} must read: the spec's {@code _proxmox.node}, else the node of the
     * fleet's managed VMs (a spec without {@code _proxmox} that drops every Proxmox host still needs to see them, or
     * the plan would say they no longer exist), else none: nothing lives on Proxmox.
     */
    public Optional<String> inventoryNode(Connection c, String fleet, HostsSpec spec) throws SQLException {
        if (spec.proxmox().isPresent()) {
            return Optional.of(spec.proxmox().get().node());
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT node FROM host_state WHERE fleet = ? AND state <> 'Gone' "
                + "AND node IS NOT NULL ORDER BY updated_at DESC LIMIT 1")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public Map<String, ManagedHost> of(Connection c, String fleet, Set<String> inSpec) throws SQLException {
        Map<String, ManagedHost> out = new HashMap<>();
        Map<String, Optional<JsonNode>> specOfPlan = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT host, vmid, origin, plan_id FROM host_state WHERE fleet = ? AND state <> 'Gone'")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String host = rs.getString("host");
                    boolean adopted = "adopted".equals(rs.getString("origin"));
                    boolean allowDestroy = false;
                    boolean readonly = false;
                    String planId = rs.getString("plan_id");
                    if (!inSpec.contains(host) && planId != null) {
                        Optional<JsonNode> content = specOfPlan.get(planId);
                        if (content == null) {
                            content = specs.contentOfPlan(c, planId);
                            specOfPlan.put(planId, content);
                        }
                        JsonNode px = content.map(s -> s.path(host).path("proxmox")).orElse(null);
                        if (px != null) {
                            allowDestroy = px.path("allowDestroy").asBoolean(false);
                            readonly = px.path("readonly").asBoolean(false);
                            adopted |= px.has("cloneFromTemplate") && !px.path("cloneFromTemplate").asBoolean(true);
                        }
                    }
                    out.put(host, new ManagedHost(rs.getInt("vmid"), adopted, allowDestroy, readonly));
                }
            }
        }
        return out;
    }
}
