package dev.fleetplane.planner.api;

import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Who the caller's token is: its name, the roles it acts with and the hosts it may see. The dashboard asks this once
 * at login to show the person who they are and which buttons they may press (the server still checks every call).
 */
@Path("/api/v1/whoami")
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    /** @param hosts the token's host globs; empty: every host */
    public record Caller(String name, List<String> roles, List<String> hosts) {
    }

    @Inject
    SecurityIdentity identity;

    @RolesAllowed({Roles.VIEWER, Roles.CI, Roles.OPERATOR, Roles.CONSOLE})
    @GET
    public Caller whoami() {
        List<String> roles = Roles.ALL.stream().filter(identity.getRoles()::contains).toList();
        return new Caller(identity.getPrincipal().getName(), roles, HostScope.of(identity).globs());
    }
}
