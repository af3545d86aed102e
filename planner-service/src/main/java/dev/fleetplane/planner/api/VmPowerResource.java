package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.planner.PlannerConfig;
import dev.fleetplane.planner.power.PowerCommands;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Day-2 power actions on a VM named by its VMID ({@code fleetplane vm reboot 150}): a host of an applied spec is
 * treated as that host; any other VM only with {@code force}. A host-scoped token acts only on a VM whose host (or,
 * for a VM of no fleet, whose name) is in its scope.
 */
@Path("/api/v1/vms")
@Produces(MediaType.APPLICATION_JSON)
public class VmPowerResource {

    @Inject
    PowerCommands power;

    @Inject
    PlannerConfig config;

    @Inject
    CallerAccess caller;

    /**
     * {@code {"action": "start|stop|shutdown|reboot", "force": false}}: 202 {@code {host, vmid, node, action,
     * commandId, correlationId, ...}}; 400 bad body or VMID, 404 no such VM in Proxmox, 409 refused (the reason),
     * 504 no inventory.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{vmid}/power")
    public Response power(@PathParam("vmid") String vmidParam, @HeaderParam("X-Fleetplane-Operator") String operator,
                          String body) {
        int vmid = vmid(vmidParam);
        PowerRequests.Request r = PowerRequests.parse(body);
        return PowerRequests.accepted(() -> power.forVmid(config.spec().defaultFleet(), vmid, r.action(), r.force(),
                caller.actor(operator), caller.scope()));
    }

    static int vmid(String raw) {
        String v = raw == null ? "" : raw.trim();
        if (!v.matches("\\d{1,10}") || Long.parseLong(v) < 100 || Long.parseLong(v) > 999_999_999L) {
            throw new ApiException(400, "vmid must be a VMID (a number 100..999999999), got '" + raw + "'");
        }
        return Integer.parseInt(v);
    }
}
