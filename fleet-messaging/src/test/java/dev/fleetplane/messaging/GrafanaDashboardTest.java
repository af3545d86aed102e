package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.Json;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example Grafana dashboard ({@code examples/grafana/fleetplane.json}) queries only metrics the code registers, and
 * shows every family it registers: the names come from a real Prometheus scrape of a registry that every
 * {@link FleetMetrics} method wrote to, so a renamed meter fails here instead of leaving an empty panel.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "examples", "grafana", "fleetplane.json");
    private static final Pattern METRIC = Pattern.compile("\\bfleetplane_[a-z_]+\\b");

    static Set<String> scraped;
    static List<String> expressions;

    @BeforeAll
    static void scrapeEveryMeterAndReadTheDashboard() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FleetMetrics metrics = new FleetMetrics(registry);
        metrics.eventHandled("planner.reconciler", "fleetplane.vm.cloned.v1");
        metrics.eventFailed("planner.reconciler", "fleetplane.vm.cloned.v1", "failed");
        metrics.consumerLag("planner.pve-events", "pve.events", 0, new java.util.concurrent.atomic.AtomicLong(3),
                java.util.concurrent.atomic.AtomicLong::get);
        metrics.outboxBacklog(() -> 2);
        metrics.pveCall("clone", "POST", "ok", Duration.ofMillis(40));
        metrics.pveTask("clone", "ok", Duration.ofSeconds(12));
        metrics.provisioningStep("rebuilding", "confirming", Duration.ofSeconds(90));
        metrics.consoles(() -> 1, () -> 2);
        scraped = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                scraped.add(line.split("[{ ]", 2)[0]);
            }
        }
        expressions = new ArrayList<>();
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
    }

    @Test
    void everyMetricTheDashboardQueries_isOneTheCodeRegisters() {
        assertFalse(expressions.isEmpty(), "no panel queries in " + DASHBOARD);
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            assertTrue(m.find(), "a panel queries no fleetplane metric: " + expr);
            m.reset();
            while (m.find()) {
                assertTrue(scraped.contains(m.group()), m.group() + " in the dashboard is not registered by"
                        + " FleetMetrics; the scrape shows " + scraped);
            }
        }
    }

    @Test
    void everyMetricFamilyTheCodeRegisters_hasAPanel() {
        String all = String.join("\n", expressions);
        for (String family : List.of(FleetMetrics.EVENTS_HANDLED, FleetMetrics.EVENTS_FAILED, FleetMetrics.CONSUMER_LAG,
                FleetMetrics.OUTBOX_BACKLOG, FleetMetrics.PVE_CALL, FleetMetrics.PVE_TASK,
                FleetMetrics.PROVISIONING_STEP, FleetMetrics.CONSOLE_SESSIONS, FleetMetrics.CONSOLE_VIEWERS)) {
            assertTrue(all.contains(family.replace('.', '_')), "no panel shows " + family);
        }
    }

    @Test
    void theListOfPrometheusNames_isWhatAScrapeShows() {
        Set<String> ours = new TreeSet<>(scraped);
        ours.removeIf(name -> !name.startsWith("fleetplane_"));
        assertEquals(ours, new TreeSet<>(FleetMetrics.prometheusNames()));
    }

    @Test
    void theTemplatePanelsEventTypes_areInTheCatalogue() {
        assertTrue(EventCatalog.byType("fleetplane.template.ready.v1").isPresent());
        assertTrue(EventCatalog.byType("fleetplane.template.rejected.v1").isPresent());
        assertTrue(expressions.stream().anyMatch(e -> e.contains("fleetplane.template.(ready|rejected).v1")));
    }
}
