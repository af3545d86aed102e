package dev.fleetplane.localstack.kafka;

import dev.fleetplane.localstack.LocalStackException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The broker JVM's classpath: the jars Maven wrote into {@value #RESOURCE} at build time, plus the jar or
 * directory that holds {@link BrokerMain}.
 */
public final class BrokerClasspath {

    static final String RESOURCE = "kafka-broker.classpath";
    private static final String REBUILD = "rebuild it: cd <repo> && mvn -B -pl infra/local-stack install";

    private BrokerClasspath() {
    }

    static String resolve() {
        String listed;
        try (InputStream in = BrokerClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LocalStackException("kafka: resource dev/fleetplane/localstack/kafka/" + RESOURCE
                        + " is missing from the local-stack jar; it is written by the Maven build, " + REBUILD);
            }
            listed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LocalStackException("kafka: cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        List<Path> entries = new ArrayList<>();
        entries.add(locationOf(BrokerMain.class));
        entries.addAll(checked(parse(listed), Files::exists));
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    /**
     * The broker's classpath plus the jars or directories of {@code classes}: enough for a JVM that runs a whole
     * {@code LocalStack} (the broker jars already bring the Kafka clients and Jackson).
     */
    public static String withClassesOf(Class<?>... classes) {
        List<String> entries = new ArrayList<>();
        for (Class<?> c : classes) {
            entries.add(locationOf(c).toString());
        }
        entries.add(resolve());
        return String.join(File.pathSeparator, entries);
    }

    static List<Path> parse(String listed) {
        return Arrays.stream(listed.strip().split(File.pathSeparator))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .toList();
    }

    /** The jars point into the local Maven repository of the machine that built this module; say so when one is gone. */
    static List<Path> checked(List<Path> entries, Predicate<Path> exists) {
        if (entries.isEmpty()) {
            throw new LocalStackException("kafka: " + RESOURCE + " lists no jars; " + REBUILD);
        }
        List<Path> missing = entries.stream().filter(exists.negate()).toList();
        if (!missing.isEmpty()) {
            throw new LocalStackException("kafka: " + missing.size() + " broker jar(s) listed in " + RESOURCE
                    + " are missing, first " + missing.get(0) + "; the local Maven repository changed, " + REBUILD);
        }
        return entries;
    }

    private static Path locationOf(Class<?> type) {
        String self = type.getName().replace('.', '/') + ".class";
        URL url = type.getClassLoader().getResource(self);
        try {
            if (url != null && url.getProtocol().equals("file")) {
                Path file = Path.of(url.toURI());
                int depth = self.split("/").length;
                Path root = file;
                for (int i = 0; i < depth; i++) {
                    root = root.getParent();
                }
                return root;
            }
            if (url != null && url.getProtocol().equals("jar")) {
                String spec = url.getPath(); // file:/path/local-stack.jar!/dev/...
                int bang = spec.indexOf("!/");
                if (bang > 0 && spec.startsWith("file:") && spec.indexOf("!/", bang + 2) < 0) {
                    return Path.of(new URL(spec.substring(0, bang)).toURI());
                }
            }
            var source = type.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null && source.getLocation().getProtocol().equals("file")) {
                return Path.of(source.getLocation().toURI());
            }
        } catch (URISyntaxException | IOException | IllegalArgumentException e) {
            throw new LocalStackException("kafka: cannot locate the classes of " + type.getName() + " at " + url + ": "
                    + e, e);
        }
        throw new LocalStackException("kafka: the broker JVM needs the classes of " + type.getName() + " as a plain jar"
                + " or directory, but they were loaded from " + url + "; put its jar on the classpath unshaded");
    }
}
