package dev.fleetplane.messaging;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The REST entry point's story: every request's log lines carry a correlation id, the caller's
 * {@value #HEADER} when it sends a usable one, else a fresh one, and the response names it in the same header. Every
 * service with REST gets it from this library.
 */
@Provider
public class RequestStory implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "X-Correlation-Id";

    /** A caller's id goes into log lines: anything but a plain token is replaced, never logged. */
    private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String SCOPE = RequestStory.class.getName() + ".scope";
    private static final String ID = RequestStory.class.getName() + ".id";

    @Override
    public void filter(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        String id = given != null && USABLE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setProperty(ID, id);
        request.setProperty(SCOPE, new StoryContext(null, null, id, null, null, null).open());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(ID) instanceof String id) {
            response.getHeaders().putSingle(HEADER, id);
        }
        if (request.getProperty(SCOPE) instanceof StoryContext.Scope scope) {
            scope.close();
        }
    }
}
