package dev.fleetplane.planner.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.util.Map;
import java.util.Optional;

/**
 * The row a planned change of an applied plan becomes: Pending with what the spec wants of the host, or settled at
 * once (adopt, forget). Pure; {@link HostScheduler} writes it.
 */
public final class QueuedHost {

    private QueuedHost() {
    }

    /**
     * @param content the spec as written, for the optional Proxmox attributes (null: none)
     * @param before  the host's row before this plan, if it has one
     * @throws IllegalArgumentException for an action the lifecycle does not know
     */
    public static HostRecord of(String fleet, String planId, PlannedChange change, HostsSpec spec, JsonNode content,
                                Optional<HostRecord> before) {
        String action = change.action();
        HostLifecycle.route(action, change.attributes(), HostLifecycle.Origin.created); // refuses unknown actions
        Optional<HostSpec> host = spec.hosts().stream().filter(h -> h.name().equals(change.host())).findFirst();
        HostDesired desired = host.flatMap(HostSpec::proxmox).isPresent()
                ? desired(spec, host.get(), content, change)
                : before.map(HostRecord::desired).orElseGet(() -> new HostDesired(change.vmid(), change.host(), 0, 0,
                        null, null, 0, null, null, null, Map.of()));
        HostLifecycle.Origin origin = switch (action) {
            case HostLifecycle.ADOPT -> HostLifecycle.Origin.adopted;
            case HostLifecycle.CREATE, HostLifecycle.REPLACE -> HostLifecycle.Origin.created;
            default -> before.map(HostRecord::origin).orElse(host.flatMap(HostSpec::proxmox)
                    .map(vm -> vm.cloneFromTemplate() ? HostLifecycle.Origin.created : HostLifecycle.Origin.adopted)
                    .orElse(HostLifecycle.Origin.created));
        };
        // A replacement or destruction acts on the VM that exists (its VMID may be the one being changed).
        int vmid = switch (action) {
            case HostLifecycle.REPLACE, HostLifecycle.DESTROY, HostLifecycle.FORGET -> before(change, "vmid")
                    .flatMap(QueuedHost::integer).orElse(before.map(HostRecord::vmid).orElse(change.vmid()));
            default -> change.vmid();
        };
        HostState state = switch (action) {
            case HostLifecycle.ADOPT -> HostState.Adopted;
            case HostLifecycle.FORGET -> HostState.Gone;
            default -> HostState.Pending;
        };
        String reason = action.equals(HostLifecycle.FORGET)
                ? "forgotten by plan " + planId + ": left in Proxmox, no longer managed" : null;
        String ip = before.map(HostRecord::ip).orElse(null);
        return new HostRecord(fleet, change.host(), vmid, change.node(), state, null, reason, ip, planId, desired,
                change, origin, null, null, null, before.map(HostRecord::readyAt).orElse(null), null);
    }

    /** The value an attribute had before {@code change}, when the plan recorded one. */
    static Optional<String> before(PlannedChange change, String attribute) {
        if (change == null || change.attributes() == null) {
            return Optional.empty();
        }
        return change.attributes().stream().filter(a -> a.name().equals(attribute)).map(AttributeChange::before)
                .filter(v -> v != null && !v.isBlank()).findFirst();
    }

    private static HostDesired desired(HostsSpec spec, HostSpec host, JsonNode content, PlannedChange change) {
        ProxmoxVm vm = host.proxmox().orElseThrow();
        ProxmoxSettings px = spec.proxmox().orElseThrow(() -> new IllegalStateException(
                "host " + host.name() + " has proxmox but the spec has no _proxmox"));
        // Optional attributes come from the spec as written: they are Proxmox's business, not the planner's.
        JsonNode written = content == null ? null : content.path(host.name()).path("proxmox");
        // Not written: the template's boot disk as the create plan read it from the template's config.
        String diskInterface = written != null && written.path("diskInterface").isTextual()
                ? written.path("diskInterface").asText() : after(change, "diskInterface").orElse(null);
        return new HostDesired(vm.vmid(), vm.name(), vm.cores(), vm.memoryMb(), vm.disk(),
                vm.storage().orElse(px.defaultStorage()), px.templateVmid(), host.user(), spec.rebuildCommandFor(host),
                diskInterface, VmConfig.fromSpec(host, vm, written));
    }

    private static Optional<String> after(PlannedChange change, String attribute) {
        if (change == null || change.attributes() == null || !HostLifecycle.CREATE.equals(change.action())) {
            return Optional.empty();
        }
        return change.attributes().stream().filter(a -> a.name().equals(attribute)).map(AttributeChange::after)
                .filter(v -> v != null && !v.isBlank()).findFirst();
    }

    private static Optional<Integer> integer(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
