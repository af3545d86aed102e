package dev.fleetplane.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleetplane_* figures of every service's {@code /q/metrics}, summed into one line for the end of the demo: how
 * many events were handled and dead-lettered, Proxmox calls and tasks, provisioning steps, and the lag, backlog and
 * console gauges as they stand.
 *
 * <p>Why hand-read: the Prometheus text format's sample line is {@code name{labels} value [timestamp]}; summing the
 * samples of a few names needs only the name and the value, and no Prometheus parser is a dependency of the CLI.
 * Comment lines and other metrics are skipped.
 */
final class MetricsSummary {

    /** The line's figures in order: label, sample name, and {@code series} to show the number of samples, not their sum. */
    private static final List<String[]> FIGURES = List.of(
            new String[] {"events handled", "fleetplane_events_handled_total"},
            new String[] {"dead-lettered", "fleetplane_events_failed_total"},
            new String[] {"Proxmox calls", "fleetplane_pve_call_seconds_count"},
            new String[] {"Proxmox tasks", "fleetplane_pve_task_seconds_count"},
            new String[] {"provisioning steps", "fleetplane_provisioning_step_seconds_count"},
            new String[] {"lag series", "fleetplane_consumer_lag", "series"},
            new String[] {"consumer lag", "fleetplane_consumer_lag"},
            new String[] {"outbox series", "fleetplane_outbox_backlog", "series"},
            new String[] {"outbox backlog", "fleetplane_outbox_backlog"},
            new String[] {"console sessions", "fleetplane_console_sessions"});

    private final Map<String, double[]> sums = new LinkedHashMap<>(); // name -> {sum, samples}

    /** Adds one service's scrape. */
    void add(String prometheusText) {
        for (String line : prometheusText.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = line.split("[{ ]", 2)[0];
            if (!name.startsWith("fleetplane_")) {
                continue;
            }
            int labelsEnd = line.lastIndexOf('}');
            String[] tail = line.substring(labelsEnd >= 0 ? labelsEnd + 1 : name.length()).strip().split("\\s+");
            double value;
            try {
                value = Double.parseDouble(tail[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            double[] s = sums.computeIfAbsent(name, n -> new double[2]);
            if (!Double.isNaN(value)) {
                s[0] += value;
            }
            s[1]++;
        }
    }

    /** {@code metrics: events handled 41, dead-lettered 0, …}. */
    String render() {
        StringBuilder out = new StringBuilder("metrics:");
        String sep = " ";
        for (String[] f : FIGURES) {
            double[] s = sums.getOrDefault(f[1], new double[2]);
            long shown = Math.round(f.length > 2 ? s[1] : s[0]);
            out.append(sep).append(f[0]).append(' ').append(shown);
            sep = ", ";
        }
        return out.toString();
    }

    /** Scrapes each service's {@code /q/metrics}; a service that does not answer is named in the line instead. */
    static String of(List<ServiceProcess> services) {
        MetricsSummary summary = new MetricsSummary();
        StringBuilder missing = new StringBuilder();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (ServiceProcess s : services) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/q/metrics"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    summary.add(r.body());
                    continue;
                }
                missing.append("; ").append(s.name).append(" answered ").append(r.statusCode());
            } catch (java.io.IOException e) {
                missing.append("; ").append(s.name).append(" not scraped: ").append(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return summary.render() + missing;
    }
}
