package dev.fleetplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Topics;
import dev.fleetplane.events.Topics.TopicSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/kafka/create-topics.sh creates exactly fleet-events' topics, as Topics declares them, idempotently. */
class CreateTopicsScriptTest {

    private static final Path SCRIPT = Checkout.deploy("kafka/create-topics.sh");

    /** The script's topic list: the lines of its {@code <<'TOPICS'} here-document. */
    private static List<String> declaredLines() {
        List<String> lines = Checkout.read(SCRIPT).lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("<<'TOPICS'")) {
                start = i + 1;
            }
        }
        assertTrue(start > 0, "create-topics.sh has no <<'TOPICS' here-document");
        int end = lines.subList(start, lines.size()).indexOf("TOPICS");
        assertTrue(end >= 0, "create-topics.sh: the TOPICS here-document is not closed");
        return lines.subList(start, start + end);
    }

    private static List<String> expectedLines() {
        return Topics.allWithDeadLetters().stream().map(CreateTopicsScriptTest::line).toList();
    }

    private static String line(TopicSpec t) {
        return t.name() + " " + t.partitions() + " " + t.retention().map(r -> Long.toString(r.toMillis())).orElse("-1");
    }

    @Test
    void theScriptDeclaresExactlyTopicsWithTheirPartitionsAndRetention() {
        assertEquals(expectedLines(), declaredLines(),
                "deploy/kafka/create-topics.sh differs from Topics.allWithDeadLetters() (name partitions retention.ms)");
    }

    @Test
    void theScriptCreatesEveryTopicWithKafkaTopicsIfNotExists(@TempDir Path dir) throws IOException {
        // A stand-in for Kafka's kafka-topics.sh that records its arguments, one invocation per line.
        Path calls = dir.resolve("calls");
        Path tool = dir.resolve("kafka-topics.sh");
        Files.writeString(tool, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        assertTrue(tool.toFile().setExecutable(true));

        Command run = Command.run(List.of("sh", SCRIPT.toString()), Map.of("KAFKA_TOPICS", tool.toString(),
                "KAFKA_BOOTSTRAP_SERVERS", "broker1:9092", "KAFKA_REPLICATION_FACTOR", "3"));

        assertEquals(0, run.exitCode(), run.output());
        List<String> expected = new ArrayList<>();
        for (TopicSpec t : Topics.allWithDeadLetters()) {
            expected.add("--bootstrap-server broker1:9092 --create --if-not-exists --topic " + t.name()
                    + " --partitions " + t.partitions() + " --config retention.ms="
                    + t.retention().map(r -> Long.toString(r.toMillis())).orElse("-1") + " --replication-factor 3");
        }
        assertEquals(expected, Files.readAllLines(calls));
    }

    @Test
    void aFailingCreateStopsTheScriptNamingTheTopic(@TempDir Path dir) throws IOException {
        Path tool = dir.resolve("kafka-topics.sh");
        Files.writeString(tool, "#!/bin/sh\nexit 1\n");
        assertTrue(tool.toFile().setExecutable(true));

        Command run = Command.run(List.of("sh", SCRIPT.toString()), Map.of("KAFKA_TOPICS", tool.toString()));

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("creating topic fleet.desired (3 partitions, retention.ms=-1) on 127.0.0.1:9092 failed"),
                run.output());
    }

    @Test
    void aMissingToolIsNamed(@TempDir Path dir) {
        Command run = Command.run(List.of("sh", SCRIPT.toString()),
                Map.of("KAFKA_TOPICS", dir.resolve("nowhere/kafka-topics.sh").toString()));

        assertEquals(69, run.exitCode(), run.output());
        assertTrue(run.output().contains("kafka-topics.sh not found: set KAFKA_TOPICS"), run.output());
    }
}
