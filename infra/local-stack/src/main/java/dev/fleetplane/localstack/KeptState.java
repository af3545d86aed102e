package dev.fleetplane.localstack;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What a persistent stack must find again on its next start: Kafka's cluster id (the formatted log dirs belong to
 * it) and the ports, so that addresses stay the same from one start to the next wherever they are still free.
 */
record KeptState(String kafkaClusterId, int kafkaPort, int controllerPort, int postgresPort) {

    static final String FILE = "local-stack.properties";

    static Optional<KeptState> read(Path workDir) {
        Path file = workDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return Optional.of(new KeptState(require(p, "kafka.cluster-id", file),
                    port(p, "kafka.port", file), port(p, "kafka.controller-port", file), port(p, "postgres.port", file)));
        } catch (IOException e) {
            throw new LocalStackException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void write(Path workDir) {
        Properties p = new Properties();
        p.setProperty("kafka.cluster-id", kafkaClusterId);
        p.setProperty("kafka.port", Integer.toString(kafkaPort));
        p.setProperty("kafka.controller-port", Integer.toString(controllerPort));
        p.setProperty("postgres.port", Integer.toString(postgresPort));
        PropertiesFiles.writeAtomically(workDir.resolve(FILE), p,
                "fleetplane local stack: Kafka's cluster id and the ports of the last start");
    }

    private static String require(Properties p, String key, Path file) {
        String v = p.getProperty(key, "").strip();
        if (v.isEmpty()) {
            throw new LocalStackException(file + " has no " + key + "; the stack's data cannot be matched to it"
                    + " (restore the file from a backup, or start from an empty directory)");
        }
        return v;
    }

    private static int port(Properties p, String key, Path file) {
        String v = require(p, key, file);
        try {
            int port = Integer.parseInt(v);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new LocalStackException(file + ": " + key + " must be a port 1-65535, got '" + v + "'");
        }
    }
}
