package dev.fleetplane.messaging;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of every service on its two shared dependencies, each check named after the dependency ({@value #KAFKA},
 * {@value #POSTGRESQL}) and, when DOWN, saying why in {@code data.error} ({@code kafka unreachable (…)}), within a few
 * seconds (a check that hangs tells nobody anything). The data names where the dependency was looked for (host and
 * port only: never a user, password or URL parameter). They replace Quarkus's own Kafka and datasource checks, which
 * wait for the admin client's 60 s default or say only {@code down}. Liveness looks at neither: a restart does not
 * bring a dependency back.
 */
public final class DependencyReadiness {

    public static final String KAFKA = "Kafka";
    public static final String POSTGRESQL = "PostgreSQL";
    static final Duration BOUND = Duration.ofSeconds(3);

    private DependencyReadiness() {
    }

    /** The message of a failure's root cause, on one line, bounded (a check's data is for a status line). */
    static String why(Throwable e) {
        Throwable root = e;
        while ((root instanceof ExecutionException || root.getMessage() == null) && root.getCause() != null
                && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = message.replaceAll("\\s+", " ").strip();
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    /** {@code host:port[,host:port]} of a JDBC URL (no database, user or parameters), or {@code unknown}. */
    static String jdbcAddress(String url) {
        if (url == null) {
            return "unknown";
        }
        int start = url.indexOf("//");
        if (start < 0) {
            return "unknown";
        }
        String rest = url.substring(start + 2);
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String hosts = rest.substring(0, end);
        int at = hosts.lastIndexOf('@');
        return at >= 0 ? hosts.substring(at + 1) : hosts;
    }

    /** The Kafka brokers answer a describe-cluster within {@link #BOUND}. */
    @Readiness
    @ApplicationScoped
    public static class Kafka implements HealthCheck {

        @ConfigProperty(name = "kafka.bootstrap.servers")
        String bootstrapServers;

        @ConfigProperty(name = "quarkus.application.name", defaultValue = "fleetplane")
        String application;

        @Inject
        KafkaClientSettings settings;

        private Admin admin;

        @Override
        public HealthCheckResponse call() {
            String servers = bootstrapServers.strip();
            try {
                int nodes = admin().describeCluster(new DescribeClusterOptions()
                                .timeoutMs((int) BOUND.toMillis())).nodes()
                        .get(BOUND.toMillis() + 500, TimeUnit.MILLISECONDS).size();
                return HealthCheckResponse.named(KAFKA).up().withData("bootstrap-servers", servers)
                        .withData("brokers", nodes).build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return down(servers, "interrupted");
            } catch (Exception e) {
                return down(servers, why(e));
            }
        }

        private static HealthCheckResponse down(String servers, String why) {
            return HealthCheckResponse.named(KAFKA).down().withData("bootstrap-servers", servers)
                    .withData("error", "kafka unreachable at " + servers + " (" + why + ")").build();
        }

        private synchronized Admin admin() {
            if (admin == null) {
                admin = KafkaAdmins.create(settings, application + "-readiness");
            }
            return admin;
        }

        synchronized void close(@Observes ShutdownEvent ignored) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
    }

    /** A connection from the pool answers {@code isValid} within {@link #BOUND}. */
    @Readiness
    @ApplicationScoped
    public static class PostgreSql implements HealthCheck {

        @Inject
        DataSource dataSource;

        @ConfigProperty(name = "quarkus.datasource.jdbc.url")
        java.util.Optional<String> jdbcUrl;

        @Override
        public HealthCheckResponse call() {
            String at = jdbcAddress(jdbcUrl.orElse(null));
            try (Connection c = dataSource.getConnection()) {
                if (c.isValid((int) BOUND.toSeconds())) {
                    return HealthCheckResponse.named(POSTGRESQL).up().withData("address", at).build();
                }
                return down(at, "the connection did not answer within " + BOUND.toSeconds() + " s");
            } catch (Exception e) {
                return down(at, why(e));
            }
        }

        private static HealthCheckResponse down(String at, String why) {
            return HealthCheckResponse.named(POSTGRESQL).down().withData("address", at)
                    .withData("error", "postgresql unreachable at " + at + " (" + why + ")").build();
        }
    }
}
