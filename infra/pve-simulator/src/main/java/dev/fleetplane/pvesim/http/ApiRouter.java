package dev.fleetplane.pvesim.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps {@code METHOD /relative/path/{param}} templates to handlers; literal segments must match exactly. */
public final class ApiRouter {

    /** A handler gets the authenticated call and returns the {@code data} payload (or a {@link Reply}). */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiCall call);
    }

    /** @param endpoint the route as registered, e.g. {@code GET /nodes/{node}/qemu/{vmid}/config} */
    public record Match(Handler handler, Map<String, String> pathParams, String endpoint) {
    }

    private record Route(String method, String template, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    public ApiRouter add(String method, String template, Handler handler) {
        routes.add(new Route(method, template, split(template), handler));
        return this;
    }

    /** Null when nothing matches: Proxmox answers 501 "Method '…' not implemented" then. */
    public Match find(String method, String relativePath) {
        String[] segments = split(relativePath);
        for (Route route : routes) {
            if (!route.method.equals(method) || route.segments.length != segments.length) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < segments.length && ok; i++) {
                String want = route.segments[i];
                if (want.startsWith("{") && want.endsWith("}")) {
                    params.put(want.substring(1, want.length() - 1), segments[i]);
                } else {
                    ok = want.equals(segments[i]);
                }
            }
            if (ok) {
                return new Match(route.handler, params, route.method + " " + route.template);
            }
        }
        return null;
    }

    private static String[] split(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
