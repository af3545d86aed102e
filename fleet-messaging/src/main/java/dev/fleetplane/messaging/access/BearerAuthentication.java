package dev.fleetplane.messaging.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads {@code Authorization: Bearer <token>} for Quarkus Security. No header: the request is anonymous (a
 * {@code @RolesAllowed} endpoint then answers 401 through {@link AccessErrors}); a header that is not a bearer token
 * fails at once, naming the expected form.
 */
@ApplicationScoped
public class BearerAuthentication implements HttpAuthenticationMechanism {

    static final String SCHEME = "Bearer";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader("Authorization");
        if (header == null) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        if (!header.regionMatches(true, 0, SCHEME + " ", 0, 7) || header.substring(7).isBlank()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "the Authorization header must be 'Bearer <token>'"));
        }
        TokenCredential credential = new TokenCredential(header.substring(7).strip(), "bearer");
        return identities.authenticate(new TokenAuthenticationRequest(credential));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
