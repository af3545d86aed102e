package dev.fleetplane.planner.dashboard;

import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.planner.eventlog.LoggedEvent;

/**
 * Which logged events one stream wants: the filters of {@code GET /api/v1/events} (host = subject, type = the full
 * CloudEvents type or its name without {@code .vN}, correlation id; null = any) within the caller's host scope (an
 * event about a subject outside it is never sent). Pure.
 */
public record StreamFilter(String host, String type, String correlationId, HostScope scope) {

    public boolean matches(LoggedEvent e) {
        if (!scope.allows(e.subject())) {
            return false;
        }
        if (host != null && !host.equals(e.subject())) {
            return false;
        }
        if (type != null && !typeMatches(type, e.type())) {
            return false;
        }
        return correlationId == null || correlationId.equals(e.correlationId());
    }

    /** {@code fleetplane.vm.started} matches {@code fleetplane.vm.started.v1}; the full type matches itself. */
    static boolean typeMatches(String wanted, String type) {
        return type != null && (type.equals(wanted) || type.startsWith(wanted + ".v"));
    }
}
