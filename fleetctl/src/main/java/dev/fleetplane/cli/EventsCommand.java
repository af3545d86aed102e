package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplane events}: the fleet's event log, one line per event; {@code --follow} keeps printing. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print the event log (every event of every topic), one line per event, oldest first.")
final class EventsCommand implements Callable<Integer> {

    /** Longest data summary on a line; the full event is in --json. */
    static final int SUMMARY_WIDTH = 120;

    @Option(names = "--host", description = "only events about this host (the CloudEvents subject)")
    String host;

    @Option(names = "--type", description = "only this type: fleetplane.vm.cloned or fleetplane.vm.cloned.v1")
    String type;

    @Option(names = "--correlation-id", description = "only this story (a plan id, spec-<version>, ...)")
    String correlationId;

    @Option(names = "--since", description = "only events at or after this time (ISO-8601, e.g. 2026-01-31T12:00:00Z)")
    String since;

    @Option(names = "--limit", defaultValue = "100", description = "how many of the newest events (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = {"-f", "--follow"}, description = "keep printing new events until Ctrl-C")
    boolean follow;

    @Option(names = "--interval", defaultValue = "PT1S", description = "how often --follow asks (ISO-8601, default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--json", description = "print each event as one JSON line")
    boolean json;

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new CliException("--limit must be at least 1, got " + limit);
        }
        ServiceApi api = new ServiceApi(StackFile.plannerUrl(planner));
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("host", host);
        filters.put("type", type);
        filters.put("correlationId", correlationId);
        filters.put("since", since);
        Map<String, String> first = new LinkedHashMap<>(filters);
        first.put("limit", Integer.toString(limit));
        ServiceApi.EventPage page = api.events(first);
        print(page.events(), System.out);
        String cursor = page.cursor();
        while (follow) {
            sleep(interval);
            Map<String, String> next = new LinkedHashMap<>(filters);
            next.put("after", cursor);
            next.put("limit", "1000");
            page = api.events(next);
            print(page.events(), System.out);
            if (page.cursor() != null) {
                cursor = page.cursor();
            }
        }
        return 0;
    }

    private void print(JsonNode events, PrintStream out) {
        for (JsonNode e : events) {
            out.println(json ? e.toString() : line(e));
        }
        out.flush();
    }

    /** {@code time  type  subject  summary}: the summary is the data's fields, without {@code schemaVersion}. */
    static String line(JsonNode e) {
        return String.format("%-24s  %-40s  %-14s  %s", e.path("time").asText(), e.path("type").asText(),
                e.hasNonNull("subject") ? e.get("subject").asText() : "-", summary(e.path("data")));
    }

    static String summary(JsonNode data) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (f.getKey().equals("schemaVersion") || v.isNull() || (v.isContainerNode() && v.isEmpty())) {
                continue;
            }
            String shown;
            if (v.isArray()) {
                shown = v.size() <= 3 && allScalars(v) ? join(v) : "[" + v.size() + "]";
            } else if (v.isObject()) {
                shown = "{" + v.size() + "}";
            } else {
                shown = v.asText().replaceAll("\\s+", " ");
                if (shown.length() > 40) {
                    shown = shown.substring(0, 39) + "…";
                }
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(f.getKey()).append('=').append(shown);
        }
        return sb.length() > SUMMARY_WIDTH ? sb.substring(0, SUMMARY_WIDTH - 1) + "…" : sb.toString();
    }

    private static boolean allScalars(JsonNode array) {
        for (JsonNode v : array) {
            if (v.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static String join(JsonNode array) {
        StringBuilder sb = new StringBuilder("[");
        for (JsonNode v : array) {
            sb.append(sb.length() > 1 ? "," : "").append(v.asText());
        }
        return sb.append(']').toString();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(100, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
