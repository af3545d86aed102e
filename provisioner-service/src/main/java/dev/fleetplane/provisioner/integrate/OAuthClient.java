package dev.fleetplane.provisioner.integrate;

/**
 * A Tailscale OAuth client (trust credential) that may mint auth keys: it needs the {@code auth_keys} scope and
 * ownership of the tags the keys carry. Its toString shows the id only.
 */
public record OAuthClient(String clientId, Secret clientSecret) {

    public OAuthClient {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("tailscale OAuth client id is empty");
        }
        if (clientSecret == null) {
            throw new IllegalArgumentException("tailscale OAuth client " + clientId + " has no secret");
        }
    }
}
