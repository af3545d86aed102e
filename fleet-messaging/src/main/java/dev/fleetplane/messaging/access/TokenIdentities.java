package dev.fleetplane.messaging.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;

/**
 * Turns a bearer token into an identity: the token's name as the principal, its granted roles
 * ({@link Roles#granted}), and the roles the file names as attribute {@value #NAMED_ROLES} (what a 403 reports).
 */
@ApplicationScoped
public class TokenIdentities implements IdentityProvider<TokenAuthenticationRequest> {

    /** The roles written for the token in the tokens file (a {@code Set<String>}). */
    public static final String NAMED_ROLES = "fleetplane.named-roles";

    @Inject
    Tokens tokens;

    /** The clock expiry is judged by (a test may set another). */
    Clock clock = Clock.systemUTC();

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        // A SHA-256 and a few comparisons: cheap enough for the event loop.
        Optional<AccessToken> found = tokens.authenticate(request.getToken().getToken());
        if (found.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(tokens.any()
                    ? "unknown token"
                    : "this service has no tokens file (FLEETPLANE_TOKENS_FILE); no token is admitted"));
        }
        AccessToken t = found.get();
        if (t.expiredAt(clock.instant())) {
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "token " + t.name() + " expired at " + t.expires()));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(t.name()))
                .addRoles(t.granted())
                .addAttribute(NAMED_ROLES, t.roles())
                .addAttribute(HostScope.ATTRIBUTE, t.hosts())
                .build());
    }
}
