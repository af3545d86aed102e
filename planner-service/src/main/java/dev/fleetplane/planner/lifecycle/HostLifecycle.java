package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host state machine: which transitions are allowed, and which state an event moves a host to.
 * Pure; the reconciler asks it before it writes anything.
 */
public final class HostLifecycle {

    private static final Map<HostState, Set<HostState>> ALLOWED = new EnumMap<>(HostState.class);

    static {
        // An applied plan starts (or restarts) a host: create -> Cloning, adopt -> Adopted.
        Set<HostState> planStarts = EnumSet.of(HostState.Cloning, HostState.Adopted);
        ALLOWED.put(HostState.Cloning, EnumSet.of(HostState.Configuring, HostState.Failed));
        ALLOWED.put(HostState.Configuring, EnumSet.of(HostState.Starting, HostState.Failed));
        ALLOWED.put(HostState.Starting, EnumSet.of(HostState.Provisioning, HostState.Failed));
        ALLOWED.put(HostState.Provisioning, EnumSet.of(HostState.Ready, HostState.Failed));
        ALLOWED.put(HostState.Ready, EnumSet.copyOf(planStarts));
        ALLOWED.put(HostState.Adopted, EnumSet.copyOf(planStarts));
        ALLOWED.put(HostState.Failed, EnumSet.copyOf(planStarts));
    }

    private HostLifecycle() {
    }

    /** Whether a host may move from {@code from} (null = not managed yet) to {@code to}. */
    public static boolean allowed(HostState from, HostState to) {
        if (from == null) {
            return to == HostState.Cloning || to == HostState.Adopted;
        }
        return ALLOWED.get(from).contains(to);
    }

    /**
     * The state an event moves a host in state {@code current} to; empty when the event does not move it
     * (a duplicate, a late answer, or an event about something else).
     */
    public static Optional<HostState> next(HostState current, EventKind<?> event) {
        HostState target = target(event);
        if (target == null || current == null || !allowed(current, target)) {
            return Optional.empty();
        }
        return Optional.of(target);
    }

    private static HostState target(EventKind<?> event) {
        if (event == EventCatalog.VM_CLONED) {
            return HostState.Configuring;
        }
        if (event == EventCatalog.VM_CONFIGURED) {
            return HostState.Starting;
        }
        if (event == EventCatalog.VM_STARTED) {
            return HostState.Provisioning;
        }
        if (event == EventCatalog.PROVISIONING_SUCCEEDED) {
            return HostState.Ready;
        }
        if (event == EventCatalog.PROVISIONING_FAILED || event == EventCatalog.PVE_OPERATION_FAILED) {
            return HostState.Failed;
        }
        return null;
    }

    /** Which step a host in {@code state} is waiting on, for failure reports. */
    public static String step(HostState state) {
        return switch (state) {
            case Cloning -> "clone";
            case Configuring -> "configure";
            case Starting -> "start";
            case Provisioning -> "provision";
            default -> state.name().toLowerCase();
        };
    }
}
