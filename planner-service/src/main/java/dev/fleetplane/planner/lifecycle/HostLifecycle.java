package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.plans.AttributeChange;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host state machine: the route each planned action takes, which transitions are allowed, and which
 * state an event moves a host to. Pure; the reconciler and the scheduler ask it before they write anything.
 */
public final class HostLifecycle {

    /** The actions of {@code PlannedChange.action} (fleet-events' contract). */
    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String GROW_DISK = "grow-disk";
    public static final String REPLACE = "replace";
    public static final String DESTROY = "destroy";
    public static final String FORGET = "forget";
    public static final String ADOPT = "adopt";
    public static final String NO_OP = "no-op";

    /** How the host came under management; decides where updates end (Ready or Adopted). */
    public enum Origin { created, adopted }

    /**
     * The steps an action takes, in order, and the state it ends in. Every step appears at most once, so
     * "the step after this one" is always defined.
     */
    public record Route(List<HostState> steps, HostState end) {

        public HostState first() {
            return steps.isEmpty() ? end : steps.get(0);
        }

        /** The state after {@code step}; empty when {@code step} is not on this route. */
        public Optional<HostState> after(HostState step) {
            int i = steps.indexOf(step);
            if (i < 0) {
                return Optional.empty();
            }
            return Optional.of(i + 1 < steps.size() ? steps.get(i + 1) : end);
        }
    }

    private static final List<HostState> CREATE_STEPS =
            List.of(HostState.Cloning, HostState.Configuring, HostState.Resizing, HostState.Starting,
                    HostState.Provisioning);

    private static final Map<HostState, Set<HostState>> ALLOWED = new EnumMap<>(HostState.class);

    /** The event that completes each step. */
    private static final Map<HostState, EventKind<?>> COMPLETED_BY = new EnumMap<>(HostState.class);

    /** The adapter's {@code PveOperationFailed.operation} of each Proxmox step. */
    private static final Map<HostState, String> OPERATION = new EnumMap<>(HostState.class);

    static {
        // A settled host may be taken by a new plan (queued as Pending, or adopted / forgotten at once).
        Set<HostState> planTakes = EnumSet.of(HostState.Pending, HostState.Adopted, HostState.Gone);
        ALLOWED.put(HostState.Pending, EnumSet.of(HostState.Pending, HostState.Cloning, HostState.Updating,
                HostState.Resizing, HostState.Stopping, HostState.Ready, HostState.Adopted, HostState.Gone));
        ALLOWED.put(HostState.Cloning, EnumSet.of(HostState.Configuring, HostState.Failed));
        ALLOWED.put(HostState.Configuring, EnumSet.of(HostState.Resizing, HostState.Starting, HostState.Failed));
        ALLOWED.put(HostState.Starting, EnumSet.of(HostState.Provisioning, HostState.Failed));
        ALLOWED.put(HostState.Provisioning, EnumSet.of(HostState.Ready, HostState.Failed));
        ALLOWED.put(HostState.Updating, EnumSet.of(HostState.Resizing, HostState.Ready, HostState.Adopted,
                HostState.Failed));
        ALLOWED.put(HostState.Resizing, EnumSet.of(HostState.Starting, HostState.Ready, HostState.Adopted, HostState.Failed));
        ALLOWED.put(HostState.Stopping, EnumSet.of(HostState.Destroying, HostState.Failed));
        ALLOWED.put(HostState.Destroying, EnumSet.of(HostState.Cloning, HostState.Gone, HostState.Failed));
        Set<HostState> fromSettled = EnumSet.copyOf(planTakes);
        fromSettled.add(HostState.Drifted);
        ALLOWED.put(HostState.Ready, EnumSet.copyOf(fromSettled));
        ALLOWED.put(HostState.Adopted, EnumSet.copyOf(fromSettled));
        Set<HostState> fromDrifted = EnumSet.copyOf(planTakes);
        fromDrifted.addAll(EnumSet.of(HostState.Ready, HostState.Drifted));
        ALLOWED.put(HostState.Drifted, fromDrifted);
        ALLOWED.put(HostState.Failed, EnumSet.copyOf(planTakes));
        ALLOWED.put(HostState.Gone, EnumSet.of(HostState.Pending, HostState.Adopted));

        COMPLETED_BY.put(HostState.Cloning, EventCatalog.VM_CLONED);
        COMPLETED_BY.put(HostState.Configuring, EventCatalog.VM_CONFIGURED);
        COMPLETED_BY.put(HostState.Updating, EventCatalog.VM_CONFIGURED);
        COMPLETED_BY.put(HostState.Resizing, EventCatalog.VM_RESIZED);
        COMPLETED_BY.put(HostState.Starting, EventCatalog.VM_STARTED);
        COMPLETED_BY.put(HostState.Provisioning, EventCatalog.PROVISIONING_SUCCEEDED);
        COMPLETED_BY.put(HostState.Stopping, EventCatalog.VM_STOPPED);
        COMPLETED_BY.put(HostState.Destroying, EventCatalog.VM_DESTROYED);

        OPERATION.put(HostState.Cloning, "clone");
        OPERATION.put(HostState.Configuring, "configure");
        OPERATION.put(HostState.Updating, "configure");
        OPERATION.put(HostState.Resizing, "resize");
        OPERATION.put(HostState.Starting, "start");
        OPERATION.put(HostState.Stopping, "stop");
        OPERATION.put(HostState.Destroying, "destroy");
    }

    private HostLifecycle() {
    }

    /**
     * The route of a planned action. Update and grow-disk split their attributes: Proxmox config keys are
     * written by one {@code ConfigureVm} (Updating), a grown disk by one {@code ResizeDisk} (Resizing), in that
     * order; they end where the host was (Ready, or Adopted for an imported VM).
     *
     * @throws IllegalArgumentException for an action the lifecycle does not know (or {@code no-op})
     */
    public static Route route(String action, List<AttributeChange> attributes, Origin origin) {
        HostState settled = origin == Origin.adopted ? HostState.Adopted : HostState.Ready;
        List<AttributeChange> attrs = attributes == null ? List.of() : attributes;
        return switch (action) {
            case CREATE -> new Route(CREATE_STEPS, HostState.Ready);
            case REPLACE -> {
                List<HostState> steps = new ArrayList<>(List.of(HostState.Stopping, HostState.Destroying));
                steps.addAll(CREATE_STEPS);
                yield new Route(List.copyOf(steps), HostState.Ready);
            }
            case UPDATE, GROW_DISK -> {
                boolean configure = attrs.stream().anyMatch(a -> VmConfig.configKey(a.name()).isPresent());
                boolean resize = attrs.stream().anyMatch(a -> VmConfig.DISK.equals(a.name()));
                if (attrs.isEmpty()) {
                    // A plan without structured attributes: do what the action names, with the desired values.
                    configure = action.equals(UPDATE);
                    resize = action.equals(GROW_DISK);
                }
                List<HostState> steps = new ArrayList<>();
                if (configure) {
                    steps.add(HostState.Updating);
                }
                if (resize) {
                    steps.add(HostState.Resizing);
                }
                yield new Route(List.copyOf(steps), settled);
            }
            case DESTROY -> new Route(List.of(HostState.Stopping, HostState.Destroying), HostState.Gone);
            case FORGET -> new Route(List.of(), HostState.Gone);
            case ADOPT -> new Route(List.of(), HostState.Adopted);
            default -> throw new IllegalArgumentException("the host lifecycle has no route for action '" + action
                    + "' (known: create, update, grow-disk, replace, destroy, forget, adopt)");
        };
    }

    /** Whether a host may move from {@code from} (null = not managed yet) to {@code to}. */
    public static boolean allowed(HostState from, HostState to) {
        if (from == null) {
            return to == HostState.Pending || to == HostState.Adopted || to == HostState.Gone;
        }
        return ALLOWED.get(from).contains(to);
    }

    /** Whether a new plan may take a host in {@code state}: only when nothing of it is running. */
    public static boolean acceptsPlan(HostState state) {
        return state == null || state == HostState.Pending || state.settled();
    }

    /**
     * The state an answer moves a host in {@code current} (following {@code route}) to; empty when it does not
     * move it (a duplicate, a late answer, or an answer to a step the host is not running).
     */
    public static Optional<HostState> next(HostState current, Route route, EventKind<?> event) {
        if (current == null || !current.inFlight() || COMPLETED_BY.get(current) != event) {
            return Optional.empty();
        }
        return route.after(current).filter(to -> allowed(current, to));
    }

    /**
     * Whether a failure report fails a host in {@code current}: only the failure of the step in flight does
     * (a failed read-only guest query never fails an adopted host; a late failure never fails a Ready one).
     *
     * @param operation {@code PveOperationFailed.operation}; ignored for {@code ProvisioningFailed}
     */
    public static boolean failsStep(HostState current, EventKind<?> event, String operation) {
        if (current == null || !current.inFlight()) {
            return false;
        }
        if (event == EventCatalog.PROVISIONING_FAILED) {
            return current == HostState.Provisioning;
        }
        if (event == EventCatalog.PVE_OPERATION_FAILED) {
            String expected = OPERATION.get(current);
            return expected != null && operation != null && operation.startsWith(expected);
        }
        return false;
    }

    /** The event that completes {@code state}; null for states that wait on nothing. */
    public static EventKind<?> completedBy(HostState state) {
        return COMPLETED_BY.get(state);
    }

    /** Which step a host in {@code state} is running, for failure reports. */
    public static String step(HostState state) {
        return switch (state) {
            case Cloning -> "clone";
            case Configuring -> "configure";
            case Starting -> "start";
            case Provisioning -> "provision";
            case Updating -> "update";
            case Resizing -> "resize";
            case Stopping -> "stop";
            case Destroying -> "destroy";
            default -> state.name().toLowerCase();
        };
    }
}
