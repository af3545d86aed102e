package dev.fleetplane.messaging.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * 401 and 403 in words, as {@code {"error": "..."}} like every other refusal: what is missing (a token, the bearer
 * form, a known token) or which role the endpoint needs and which the token has. Never echoes a token.
 */
public final class AccessErrors {

    private AccessErrors() {
    }

    /** A 403 in the same shape, for a resource that refuses a host outside the caller's {@link HostScope}. */
    public static WebApplicationException forbidden(String message) {
        return new WebApplicationException(problem(403, message));
    }

    static Response problem(int status, String message) {
        Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message));
        if (status == 401) {
            b.header("WWW-Authenticate", BearerAuthentication.SCHEME);
        }
        return b.build();
    }

    /** The roles the matched endpoint allows: its method's {@code @RolesAllowed}, else its class's. */
    static List<String> required(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return List.of();
        }
        Method m = resource.getResourceMethod();
        RolesAllowed allowed = m.getAnnotation(RolesAllowed.class);
        if (allowed == null) {
            allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return allowed == null ? List.of() : Arrays.asList(allowed.value());
    }

    static String needs(List<String> roles) {
        return roles.isEmpty() ? "a role" : "role " + String.join(" or ", roles);
    }

    /** No token at all on an endpoint behind a role. */
    @Provider
    public static class Unauthorized implements ExceptionMapper<UnauthorizedException> {
        @Context
        ResourceInfo resource;

        @Override
        public Response toResponse(UnauthorizedException e) {
            return problem(401, "a token is needed: Authorization: Bearer <token> (this endpoint needs "
                    + needs(required(resource)) + ")");
        }
    }

    /** A header that is not a bearer token, or a token no entry of the tokens file has. */
    @Provider
    public static class AuthenticationFailed implements ExceptionMapper<AuthenticationFailedException> {
        @Override
        public Response toResponse(AuthenticationFailedException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? "unknown token" : e.getMessage();
            return problem(401, why);
        }
    }

    /** A known token without the role the endpoint needs. */
    @Provider
    public static class Forbidden implements ExceptionMapper<ForbiddenException> {
        @Context
        ResourceInfo resource;

        @Inject
        SecurityIdentity identity;

        @Override
        public Response toResponse(ForbiddenException e) {
            if (identity == null || identity.isAnonymous()) {
                return problem(401, "a token is needed: Authorization: Bearer <token> (this endpoint needs "
                        + needs(required(resource)) + ")");
            }
            Object named = identity.getAttribute(TokenIdentities.NAMED_ROLES);
            Set<?> has = named instanceof Set<?> s ? s : identity.getRoles();
            return problem(403, "needs " + needs(required(resource)) + "; token " + identity.getPrincipal().getName()
                    + " has " + String.join(",", has.stream().map(Object::toString).sorted().toList()));
        }
    }
}
