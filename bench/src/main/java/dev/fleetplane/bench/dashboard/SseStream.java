package dev.fleetplane.bench.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code text/event-stream} followed with java.net.http as an outside client follows the planner's
 * {@code /api/v1/events/stream}: the bearer token in the header, each event's name and {@code data} handed over with the
 * wall clock time (ms) at which its first line arrived, on the stream's own reading thread.
 */
final class SseStream implements AutoCloseable {

    /** What the stream does with an event's data. */
    interface Receiver {
        void on(String event, String data, long receivedAtMillis);
    }

    private final AtomicLong events = new AtomicLong();
    private final Thread reader;
    private volatile InputStream body;
    private volatile String failure;
    private volatile boolean closed;

    private SseStream(HttpClient http, URI uri, String token, Receiver receiver, String name) {
        reader = new Thread(() -> follow(http, uri, token, receiver), name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts following {@code uri}; {@link #failure} says why it stopped (a refusal: the planner's answer). */
    static SseStream follow(HttpClient http, URI uri, String token, Receiver receiver, String name) {
        return new SseStream(http, uri, token, receiver, name);
    }

    private void follow(HttpClient http, URI uri, String token, Receiver receiver) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            if (response.statusCode() != 200) {
                failure = uri + " answered " + response.statusCode() + ": "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8);
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            StringBuilder data = new StringBuilder();
            String event = "message";
            long firstLineAt = 0;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.incrementAndGet();
                        receiver.on(event, data.toString(), firstLineAt);
                        data.setLength(0);
                    }
                    event = "message";
                    firstLineAt = 0;
                } else if (line.startsWith("data:")) {
                    if (firstLineAt == 0) {
                        firstLineAt = System.currentTimeMillis();
                    }
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                } else if (!line.startsWith(":")) {
                    if (firstLineAt == 0) {
                        firstLineAt = System.currentTimeMillis(); // id: and event: come first
                    }
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    }
                }
            }
            if (!closed) {
                failure = uri + ": the stream ended";
            }
        } catch (IOException e) {
            if (!closed) {
                failure = uri + ": " + e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events received so far. */
    long events() {
        return events.get();
    }

    /** Why the stream stopped, or null while it runs. */
    String failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        reader.interrupt();
    }
}
