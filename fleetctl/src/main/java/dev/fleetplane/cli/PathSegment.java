package dev.fleetplane.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A value put into a URL path segment (a host name from the command line). */
final class PathSegment {

    private PathSegment() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
