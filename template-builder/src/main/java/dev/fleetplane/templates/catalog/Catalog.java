package dev.fleetplane.templates.catalog;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.templates.TemplateDeleted;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import dev.fleetplane.templates.TemplateSubject;
import dev.fleetplane.templates.TemplatesConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The templates builds made ready ({@code template}), the clones made from them ({@code template_clone}, from
 * VmCloned/VmDestroyed on pve.events, whoever asked), promotion marks, and the retention rule applied when a new
 * template is ready.
 */
@ApplicationScoped
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class);

    private static final String SELECT = """
            SELECT t.name, t.node, t.vmid, t.build_id, t.sha256, t.built_from, t.route, t.ready_at, t.promoted_at,
                   t.deleted_at, t.deleting_since IS NOT NULL AS deleting,
                   (SELECT count(*) FROM template_clone k WHERE k.node = t.node AND k.template_vmid = t.vmid
                      AND k.destroyed_at IS NULL) AS in_use,
                   (SELECT max(k.cloned_at) FROM template_clone k WHERE k.node = t.node AND k.template_vmid = t.vmid)
                      AS last_cloned
            FROM template t""";

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    @Inject
    TemplatesConfig config;

    /** A build's candidate became a template: record it, then apply the retention rule to its name. */
    public void ready(Connection c, String name, String node, int vmid, String buildId, String sha256,
                      String builtFrom, String route) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO template (vmid, node, name, build_id, sha256, built_from, route, ready_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, now())
                ON CONFLICT (node, vmid) DO UPDATE SET name = excluded.name, build_id = excluded.build_id,
                  sha256 = excluded.sha256, built_from = excluded.built_from, route = excluded.route,
                  ready_at = excluded.ready_at, promoted_at = NULL, deleting_since = NULL, deleted_at = NULL""")) {
            ps.setInt(1, vmid);
            ps.setString(2, node);
            ps.setString(3, name);
            ps.setString(4, buildId);
            ps.setString(5, sha256);
            ps.setString(6, builtFrom);
            ps.setString(7, route);
            ps.executeUpdate();
        }
        TemplatesConfig.Retention r = config.retention();
        for (TemplateRow old : Retention.doomed(list(c, name), r.keep(), r.unusedFor(), Instant.now())) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE template SET deleting_since = now() WHERE node = ? AND vmid = ?")) {
                ps.setString(1, old.node());
                ps.setInt(2, old.vmid());
                ps.executeUpdate();
            }
            publish(c, name, buildId, EventCatalog.DESTROY_VM, new DestroyVm(old.node(), old.vmid(), null), true);
            LOG.infof("retention: template %d of %s goes (%s)", old.vmid(), name,
                    Retention.reason(old, r.keep(), r.unusedFor()));
        }
    }

    /** A VM was cloned (by anyone): counted when its source is a template of the catalogue. */
    public void cloned(Connection c, String node, int vmid, int templateVmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO template_clone (node, vmid, template_vmid, cloned_at)
                SELECT ?, ?, ?, now() WHERE EXISTS (SELECT 1 FROM template WHERE node = ? AND vmid = ?)
                ON CONFLICT (node, vmid) DO UPDATE SET template_vmid = excluded.template_vmid,
                  cloned_at = excluded.cloned_at, destroyed_at = NULL""")) {
            ps.setString(1, node);
            ps.setInt(2, vmid);
            ps.setInt(3, templateVmid);
            ps.setString(4, node);
            ps.setInt(5, templateVmid);
            ps.executeUpdate();
        }
    }

    /** A VM was destroyed: a clone no longer uses its template; a template retention deleted is gone. */
    public void destroyed(Connection c, String node, int vmid, String correlationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE template_clone SET destroyed_at = now() WHERE node = ? AND vmid = ? AND destroyed_at IS NULL")) {
            ps.setString(1, node);
            ps.setInt(2, vmid);
            ps.executeUpdate();
        }
        Optional<TemplateRow> t = find(c, node, vmid).filter(TemplateRow::deleting);
        if (t.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE template SET deleted_at = now(), deleting_since = NULL WHERE node = ? AND vmid = ?")) {
            ps.setString(1, node);
            ps.setInt(2, vmid);
            ps.executeUpdate();
        }
        TemplatesConfig.Retention r = config.retention();
        publish(c, t.get().name(), correlationId, EventCatalog.TEMPLATE_DELETED, new TemplateDeleted(t.get().name(),
                node, vmid, Retention.reason(t.get(), r.keep(), r.unusedFor())), false);
    }

    /** The adapter could not destroy a template retention chose: it stays, and the next ready build tries again. */
    public void destroyFailed(Connection c, String node, int vmid, String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE template SET deleting_since = NULL WHERE node = ? AND vmid = ? AND deleting_since IS NOT NULL""")) {
            ps.setString(1, node);
            ps.setInt(2, vmid);
            if (ps.executeUpdate() == 1) {
                LOG.warnf("retention: template %d on %s stays, the adapter could not destroy it: %s", vmid, node,
                        message);
            }
        }
    }

    /** Marks a template promoted (its VMID is what hosts.nix names now); empty when the catalogue has no such one. */
    public Optional<TemplateRow> promote(Connection c, int vmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE template SET promoted_at = now() WHERE vmid = ? AND deleted_at IS NULL")) {
            ps.setInt(1, vmid);
            if (ps.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        return list(c, null).stream().filter(t -> t.vmid() == vmid).findFirst();
    }

    /** Every template of {@code name} (all when null), newest first. */
    public List<TemplateRow> list(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT
                + " WHERE (?::text IS NULL OR t.name = ?) ORDER BY t.ready_at DESC")) {
            ps.setString(1, name);
            ps.setString(2, name);
            return rows(ps);
        }
    }

    public Optional<TemplateRow> find(Connection c, String node, int vmid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE t.node = ? AND t.vmid = ?")) {
            ps.setString(1, node);
            ps.setInt(2, vmid);
            return rows(ps).stream().findFirst();
        }
    }

    private <T> void publish(Connection c, String name, String correlationId, EventKind<T> kind, T payload,
                             boolean command) throws SQLException {
        String subject = command ? TemplateSubject.of(name) : name;
        outbox.append(c, subject, FleetEvent.create(kind, source.uri(), subject, payload, correlationId));
    }

    private static List<TemplateRow> rows(PreparedStatement ps) throws SQLException {
        List<TemplateRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new TemplateRow(rs.getString("name"), rs.getString("node"), rs.getInt("vmid"),
                        rs.getString("build_id"), rs.getString("sha256"), rs.getString("built_from"),
                        rs.getString("route"), instant(rs, "ready_at"), instant(rs, "promoted_at"),
                        instant(rs, "deleted_at"), rs.getBoolean("deleting"), rs.getInt("in_use"),
                        instant(rs, "last_cloned")));
            }
        }
        return out;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
