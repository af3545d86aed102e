package dev.fleetplane.adapter.api;

import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.RetryPolicy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/cluster/nextid}: Proxmox's next free VMID, or whether a given one is free (409 when taken).
 * Nothing is reserved: a clone or create may still collide (the reference, §2.3).
 */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    @Inject
    ProxmoxClient pve;

    @Inject
    RetryPolicy retry;

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/nextid")
    public VmViews.NextId nextId(@QueryParam("vmid") String vmidParam) {
        if (vmidParam == null) {
            return new VmViews.NextId(retry.run(() -> pve.nextId()));
        }
        int vmid = VmViews.vmid("vmid", vmidParam);
        if (!retry.run(() -> pve.vmidFree(vmid))) {
            throw new ApiProblem(409, "VM " + vmid + " already exists");
        }
        return new VmViews.NextId(vmid);
    }
}
