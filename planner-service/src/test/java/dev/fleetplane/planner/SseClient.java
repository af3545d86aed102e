package dev.fleetplane.planner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.localstack.quarkus.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test side: one server-sent event stream read line by line (java.net.http), its events queued as they come. */
final class SseClient implements AutoCloseable {

    /** One event: its id, name and data (parsed as JSON when it is). */
    record Event(String id, String name, String data) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(data);
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int status;
    final String body;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final HttpResponse<Stream<String>> response;
    private volatile boolean comments;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.status = response.statusCode();
        if (status != 200) {
            this.body = String.join("\n", response.body().toList());
            return;
        }
        this.body = null;
        Thread reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(URI base, String pathAndQuery, String token, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .header("Accept", "text/event-stream").header("Authorization", TestTokens.bearer(token));
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new SseClient(HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines()));
    }

    private void read() {
        String id = null;
        String name = "message";
        List<String> data = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name, String.join("\n", data)));
                    }
                    id = null;
                    name = "message";
                    data = new ArrayList<>();
                } else if (line.startsWith(":")) {
                    comments = true;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).replaceFirst("^ ", ""));
                }
            }
        } catch (RuntimeException e) {
            // closed by the test
        }
    }

    /** The next event, waiting up to {@code wait}; fails the test when none comes. */
    Event next(Duration wait) throws InterruptedException {
        Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + wait);
        }
        return e;
    }

    @Override
    public void close() {
        if (status == 200) {
            try {
                response.body().close();
            } catch (RuntimeException e) {
                // already closed
            }
        }
    }
}
