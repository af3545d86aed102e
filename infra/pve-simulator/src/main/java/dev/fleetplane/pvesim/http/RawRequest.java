package dev.fleetplane.pvesim.http;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/** One parsed HTTP request: the raw path and query as sent, header names lower-cased. */
public record RawRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                         byte[] body, InetAddress remote) {

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
