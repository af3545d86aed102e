package dev.fleetplane.adapter.api;

import dev.fleetplane.messaging.access.AccessErrors;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.RetryPolicy;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;

/**
 * Read-only view of the guests for people and the CLI ({@code fleetplane vm list|status|config}): straight from
 * Proxmox, nothing cached, nothing changed. Actions go through the planner, never here. A host-scoped token
 * (docs/access.md) sees the guests whose name is one of its hosts (a host's VM is named after it).
 */
@Path("/api/v1/vms")
@Produces(MediaType.APPLICATION_JSON)
public class VmResource {

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @Inject
    SecurityIdentity identity;

    /** Every guest (QEMU and LXC) of {@code /cluster/resources}, by VMID. */
    @RolesAllowed(Roles.VIEWER)
    @GET
    public List<VmViews.Guest> list() {
        HostScope scope = HostScope.of(identity);
        return guests().stream().filter(v -> scope.allows(v.name())).sorted(Comparator.comparingInt(ClusterVm::vmid)).map(VmViews.Guest::of).toList();
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{vmid}/status")
    public VmViews.Status status(@PathParam("vmid") String vmidParam) {
        ClusterVm vm = visible(VmViews.qemu(guests(), VmViews.vmid("vmid", vmidParam)));
        return VmViews.Status.of(vm, retry.run(() -> pve.status(vm.node(), vm.vmid())));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{vmid}/config")
    public VmViews.Config config(@PathParam("vmid") String vmidParam) {
        ClusterVm vm = visible(VmViews.qemu(guests(), VmViews.vmid("vmid", vmidParam)));
        return VmViews.Config.of(vm, retry.run(() -> pve.config(vm.node(), vm.vmid())));
    }

    /** The VM, or a 403 when its name is not one of the caller's hosts. */
    private ClusterVm visible(ClusterVm vm) {
        HostScope scope = HostScope.of(identity);
        if (!scope.allows(vm.name())) {
            throw AccessErrors.forbidden(scope.refusal(vm.name()) + " (VM " + vm.vmid() + ")");
        }
        return vm;
    }

    private List<ClusterVm> guests() {
        return retry.run(() -> pve.clusterVms());
    }
}
