package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches {@code up}'s services' readiness ({@code /q/health/ready}) after they all were ready once, and prints a line
 * when one goes not-ready, naming each DOWN check and its error ({@code planner-service: not ready: kafka unreachable at
 * 127.0.0.1:9092 (…)}), and when it is ready again. A service that does not answer at all is the {@link Supervisor}'s
 * business (it exited, or is starting again): no line here.
 */
final class ReadinessWatch implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 300;

    private final Thread thread;
    private volatile boolean stopping;

    ReadinessWatch(List<ServiceProcess> services, PrintStream out, Duration every) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Tracker tracker = new Tracker();
        thread = new Thread(() -> {
            while (!stopping) {
                for (ServiceProcess s : services) {
                    if (stopping || s.closed() || !s.process().isAlive()) {
                        continue;
                    }
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                        tracker.observe(s.name, r.statusCode(), r.body()).ifPresent(line -> {
                            out.println("fleetplane: " + line);
                            out.flush();
                        });
                    } catch (IOException e) {
                        // no answer: exited or starting again, which the supervisor reports
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fleetplane-readiness");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
    }

    /** Each service's last readiness: a line for each change (every service starts ready, as {@code up} saw it). */
    static final class Tracker {
        private final Map<String, String> notReady = new ConcurrentHashMap<>();

        /** The line to print for this answer of {@code service}'s readiness, if it changed what was known. */
        Optional<String> observe(String service, int status, String body) {
            if (status == 200) {
                return notReady.remove(service) != null ? Optional.of(service + ": ready again") : Optional.empty();
            }
            String why = reason(status, body);
            String before = notReady.put(service, why);
            return why.equals(before) ? Optional.empty() : Optional.of(service + ": not ready: " + why);
        }
    }

    /**
     * Why a readiness answer is not 200, from its checks: each DOWN check's {@code data.error} (or {@code data.reason},
     * prefixed with the check's name), else the DOWN checks' names and data; joined with "; ".
     */
    static String reason(int status, String body) {
        JsonNode checks;
        try {
            checks = JSON.readTree(body == null ? "" : body).path("checks");
        } catch (IOException e) {
            return "HTTP " + status + " without a health report";
        }
        List<String> errors = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (JsonNode check : checks) {
            if (!"DOWN".equals(check.path("status").asText())) {
                continue;
            }
            String name = check.path("name").asText("unnamed check");
            JsonNode data = check.path("data");
            if (data.hasNonNull("error")) {
                errors.add(data.get("error").asText());
            } else if (data.hasNonNull("reason")) {
                errors.add(name + ": " + data.get("reason").asText());
            } else {
                others.add(data.isObject() && data.size() > 0 ? name + " " + data : name);
            }
        }
        List<String> all = errors.isEmpty() ? others : errors;
        if (all.isEmpty()) {
            return "HTTP " + status + " with no check down";
        }
        String joined = String.join("; ", all).replaceAll("\\s+", " ");
        return joined.length() > MAX_REASON ? joined.substring(0, MAX_REASON) + "…" : joined;
    }
}
