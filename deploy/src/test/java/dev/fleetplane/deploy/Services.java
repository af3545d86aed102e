package dev.fleetplane.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The services as the checkout declares them: a module with a {@code src/main/resources/application.properties} that
 * sets {@code quarkus.http.port} is a service. What every deployment must give a service is read from that file, so
 * a new {@code ${ENV:default}} reference or a new consumed topic fails the deployment tests until the files under
 * {@code deploy/} follow.
 */
final class Services {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");

    /** What every service needs whatever its application.properties says: where Kafka, PostgreSQL and its port are. */
    static final Set<String> COMMON = Set.of("KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_HTTP_PORT");

    /**
     * Files a service needs that its config mapping reads without an {@code ${ENV}} reference (the paths
     * {@code fleetplane up} gives them, FleetStack): without them the provisioner and the template builder cannot log
     * in anywhere and the gateway knows no operator.
     */
    static final Map<String, Set<String>> FILES = Map.of(
            "provisioner-service", Set.of("FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE"),
            "template-builder", Set.of("FLEETPLANE_TEMPLATES_WORK_DIR", "FLEETPLANE_TEMPLATES_NODE_SSH_IDENTITY_FILE",
                    "FLEETPLANE_TEMPLATES_SMOKE_IDENTITY_FILE"),
            "console-gateway", Set.of("FLEETPLANE_CONSOLE_OPERATORS_FILE"));

    private Services() {
    }

    /** The service modules of the checkout, sorted by name. */
    static List<String> all() {
        try (Stream<Path> dirs = Files.list(Checkout.root())) {
            List<String> services = dirs.filter(d -> Files.isRegularFile(propertiesFile(d)))
                    .filter(d -> properties(d).getProperty("quarkus.http.port") != null)
                    .map(d -> d.getFileName().toString()).sorted().toList();
            if (services.isEmpty()) {
                throw new IllegalStateException("no service module (application.properties with quarkus.http.port) in "
                        + Checkout.root());
            }
            return services;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Properties properties(String service) {
        return properties(Checkout.root().resolve(service));
    }

    static int port(String service) {
        return Integer.parseInt(properties(service).getProperty("quarkus.http.port"));
    }

    /** The environment variables the service's application.properties reads through {@code ${NAME:default}}. */
    static Set<String> envReferences(String service) {
        Set<String> names = new TreeSet<>();
        for (String value : properties(service).stringPropertyNames().stream()
                .map(properties(service)::getProperty).toList()) {
            Matcher m = ENV_REFERENCE.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every variable a deployment must name for the service. */
    static Set<String> requiredEnvironment(String service) {
        Set<String> names = new TreeSet<>(COMMON);
        names.addAll(envReferences(service));
        names.addAll(FILES.getOrDefault(service, Set.of()));
        return names;
    }

    /** The topics the service consumes: its {@code mp.messaging.incoming.*.topic} and {@code .topics}. */
    static Set<String> consumedTopics(String service) {
        Properties p = properties(service);
        Set<String> topics = new LinkedHashSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.incoming.") && (key.endsWith(".topic") || key.endsWith(".topics"))) {
                Arrays.stream(p.getProperty(key).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                        .forEach(topics::add);
            }
        }
        return topics;
    }

    /** A variable whose value is a secret: it must come from a file, never stand in a deployment file. */
    static boolean isSecret(String variable) {
        return variable.endsWith("_PASSWORD") || variable.endsWith("_TOKEN_SECRET") || variable.endsWith("_SECRET");
    }

    private static Path propertiesFile(Path module) {
        return module.resolve("src/main/resources/application.properties");
    }

    private static Properties properties(Path module) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(propertiesFile(module))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + propertiesFile(module), e);
        }
        return p;
    }
}
