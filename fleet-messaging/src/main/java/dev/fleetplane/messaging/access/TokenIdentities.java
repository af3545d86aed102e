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

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        // A SHA-256 and a few comparisons: cheap enough for the event loop.
        return tokens.authenticate(request.getToken().getToken())
                .map(t -> Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(t.name()))
                        .addRoles(t.granted())
                        .addAttribute(NAMED_ROLES, t.roles())
                        .build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException(tokens.any()
                        ? "unknown token"
                        : "this service has no tokens file (FLEETPLANE_TOKENS_FILE); no token is admitted")));
    }
}
