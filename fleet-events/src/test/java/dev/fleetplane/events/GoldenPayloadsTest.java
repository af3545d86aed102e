package dev.fleetplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The log replays forever: a frozen v1 payload of every event type ({@code src/test/resources/golden/<type>.json},
 * the CloudEvent's data as it was written when the fixture was made) still decodes with the production decoder into
 * its record, and writing that record again loses no field. A change that breaks reading an old payload fails here;
 * a new event type without a fixture fails here too. Fixtures are never regenerated: they are old data.
 */
class GoldenPayloadsTest {

    /** Read from the sources, not the classpath: a deleted fixture must not live on as a stale copy in target/. */
    private static final Path DIR = Path.of("src", "test", "resources", "golden");

    /**
     * Fields a record gained after its fixture was frozen, per type. Each must be optional with a documented default
     * (absent in an old payload reads as that default); only these may be missing from the fixture and come back in
     * the re-encoded data. Empty while every fixture was written by the records as they are.
     */
    private static final Map<String, Set<String>> ADDED_AFTER_FIXTURE = Map.of();

    @Test
    void everyCatalogType_hasAFixture_andEveryFixtureIsACatalogType() {
        Set<String> catalog = EventCatalog.all().stream().map(EventKind::type).collect(Collectors.toCollection(TreeSet::new));
        Set<String> fixtures = fixtureFiles().stream().map(GoldenPayloadsTest::typeOf)
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> missing = new TreeSet<>(catalog);
        missing.removeAll(fixtures);
        Set<String> unknown = new TreeSet<>(fixtures);
        unknown.removeAll(catalog);
        assertTrue(missing.isEmpty(), "event types without a golden payload in src/test/resources/golden "
                + "(add <type>.json as the data is written today, see docs/events.md): " + missing);
        assertTrue(unknown.isEmpty(), "golden payloads of types EventCatalog no longer knows "
                + "(an old type must stay readable, keep it in the catalog): " + unknown);
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenPayload_decodesWithTheProductionCodec_andRoundTripsWithoutLosingAField() {
        return fixtureFiles().stream().map(file -> DynamicTest.dynamicTest(typeOf(file), () -> check(file)));
    }

    private static void check(Path file) throws IOException {
        String type = typeOf(file);
        EventKind<?> kind = EventCatalog.byType(type).orElseThrow(() -> new AssertionError("unknown type " + type));
        byte[] frozen = Files.readAllBytes(file);
        JsonNode fixture = Json.MAPPER.readTree(frozen);
        Set<String> addedLater = ADDED_AFTER_FIXTURE.getOrDefault(type, Set.of());

        // the fixture is complete: every field of the record is there (a null value counts as present)
        Set<String> absent = new TreeSet<>(components(kind.dataType()));
        fixture.fieldNames().forEachRemaining(absent::remove);
        absent.removeAll(addedLater);
        assertTrue(absent.isEmpty(), type + ": fixture lacks fields of " + kind.dataType().getSimpleName() + ": " + absent);

        // (a) the frozen bytes, as a binary-mode Kafka record, through the decoder every consumer uses
        FleetEvent event = CloudEventsKafkaCodec.decode(binaryModeHeaders(type), frozen);
        Object data = event.dataAs(kind);
        assertInstanceOf(kind.dataType(), data);

        // (c) written again by the production encoder and read back as bytes off the wire (so 8 as an int and 8 as a
        // long compare equal): equal as a JSON tree, apart from fields added later
        JsonNode rewritten = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(encode(kind, data, event)));
        ObjectNode comparable = (ObjectNode) rewritten;
        for (String field : addedLater) {
            if (!fixture.has(field)) {
                comparable.remove(field);
            }
        }
        assertEquals(fixture, comparable, () -> type + ": re-encoding lost or changed fields: " + diff(fixture, comparable));
    }

    @SuppressWarnings("unchecked")
    private static <T> JsonNode encode(EventKind<T> kind, Object data, FleetEvent cause) {
        return FleetEvent.causedBy(cause, kind, "/fleetplane/golden", cause.subject(), (T) data).data();
    }

    private static RecordHeaders binaryModeHeaders(String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", utf8("1.0"));
        headers.add("ce_id", utf8("golden-" + type));
        headers.add("ce_source", utf8("/fleetplane/golden"));
        headers.add("ce_type", utf8(type));
        headers.add("ce_subject", utf8("web-1"));
        headers.add("ce_time", utf8("2026-12-01T10:15:30.123Z"));
        headers.add("content-type", utf8("application/json"));
        return headers;
    }

    private static List<String> components(Class<?> record) {
        assertTrue(record.isRecord(), record + " is not a record");
        return Arrays.stream(record.getRecordComponents()).map(c -> c.getName()).toList();
    }

    /** The paths whose values differ, for a failure message that names the lost field. */
    private static List<String> diff(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        diff("", expected, actual, out);
        return out;
    }

    private static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected != null && actual != null && expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                diff(path + "/" + name, expected.get(name), actual.get(name), out);
            }
        } else if (expected == null || actual == null || !expected.equals(actual)) {
            out.add(path + ": fixture " + expected + ", re-encoded " + actual);
        }
    }

    private static List<Path> fixtureFiles() {
        assertTrue(Files.isDirectory(DIR), "no " + DIR.toAbsolutePath() + " (tests run from the module's directory)");
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> list = files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
            if (list.isEmpty()) {
                fail("no golden payloads in " + DIR.toAbsolutePath());
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String typeOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
