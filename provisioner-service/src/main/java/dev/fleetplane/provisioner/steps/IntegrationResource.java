package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.access.AccessErrors;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.provisioner.integrate.IntegrationSnippets;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;

/** What {@code fleetplane integrate HOST} prints: the lines to commit for a provisioned host. */
@Path("/sagas/{host}/integration")
@Produces(MediaType.APPLICATION_JSON)
public class IntegrationResource {

    /** The host's key, its age recipient, the lines to commit, and the hardware configuration fleetplane keeps. */
    public record View(String host, int vmid, String ip, String publicKey, String fingerprint, String ageRecipient,
                       String hostsNix, List<String> sopsYaml, List<String> tailscaleTags, String hardwareConfig,
                       String rendered) {
    }

    @Inject
    Database database;

    @Inject
    HardwareConfigs hardwareConfigs;

    @Inject
    SecurityIdentity identity;

    @RolesAllowed(Roles.VIEWER)
    @GET
    public View get(@PathParam("host") String host) {
        HostScope scope = HostScope.of(identity);
        if (!scope.allows(host)) {
            throw AccessErrors.forbidden(scope.refusal(host));
        }
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT vmid, ip, public_key, fingerprint, age_recipient,"
                    + " hosts_nix, sops_yaml, tailscale_tags FROM host_integration WHERE host = ?")) {
                ps.setString(1, host);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("host '" + host + "' has not been integrated yet (its provisioning"
                                + " has not reached the integrate step; see `fleetplane status`)");
                    }
                    String tags = rs.getString("tailscale_tags");
                    return new View(host, rs.getInt("vmid"), rs.getString("ip"), rs.getString("public_key"),
                            rs.getString("fingerprint"), rs.getString("age_recipient"), rs.getString("hosts_nix"),
                            rs.getString("sops_yaml").lines().toList(),
                            tags == null ? null : Arrays.asList(tags.split(",")),
                            hardwareConfigs.find(c, host).orElse(null),
                            IntegrationSnippets.of(host, rs.getString("public_key")).render());
                }
            }
        });
    }
}
