package dev.fleetplane.localstack.quarkus;

import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.localstack.kafka.KafkaAuth;
import dev.fleetplane.localstack.shared.SharedStack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Gives a Quarkus test real Kafka and PostgreSQL and switches Dev Services off. Where they come from, first match:
 * <ol>
 *   <li>a stack shared by CI: environment {@code FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS}, {@code FLEETPLANE_JDBC_URL},
 *       {@code FLEETPLANE_JDBC_USER} and optionally {@code FLEETPLANE_JDBC_PASSWORD};</li>
 *   <li>Testcontainers, when {@code -Dfleetplane.testcontainers=true} and a Docker engine answers (the module must
 *       then have {@code testcontainers-kafka} and {@code testcontainers-postgresql} on its test classpath);</li>
 *   <li>the {@link SharedStack} of this Maven run, when {@code -D}{@value SharedStack#DIR_PROPERTY} names its directory
 *       (the root pom does for failsafe): started by the first test JVM, attached to and reset to a fresh stack's
 *       state by every later one;</li>
 *   <li>a {@link LocalStack} of this JVM, started once and shared by every test class until the JVM exits.</li>
 * </ol>
 * Init arg {@code shared=false} skips the last two: the test class gets a stack of its own, closed in {@link #stop()}.
 * Quarkus loads this class anew for every application it boots (a test profile, other test resources), so each boot
 * gets a fresh stack or a reset of the shared one, never the state the previous application left.
 * It also hands the services {@link TestTokens}' tokens file ({@code fleetplane.tokens-file}).
 * Use: {@code @QuarkusTestResource(LocalStackTestResource.class)} (or {@code @WithTestResource}).
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ENV_KAFKA = "FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS";
    public static final String ENV_JDBC_URL = "FLEETPLANE_JDBC_URL";
    public static final String ENV_JDBC_USER = "FLEETPLANE_JDBC_USER";
    public static final String ENV_JDBC_PASSWORD = "FLEETPLANE_JDBC_PASSWORD";
    public static final String TESTCONTAINERS_PROPERTY = "fleetplane.testcontainers";

    private static final System.Logger LOG = System.getLogger(LocalStackTestResource.class.getName());
    private static Endpoints sharedStack;
    private static volatile Endpoints current;

    private boolean shared = true;
    /** Init arg {@code kafka-user}: an own stack with Kafka auth on, the service logged in as this SCRAM user. */
    private Optional<String> kafkaUser = Optional.empty();
    private static volatile Optional<KafkaAuth> currentKafkaAuth = Optional.empty();
    private AutoCloseable owned;

    /** The endpoints the running test resource handed out; for tests that talk to Kafka or SQL directly. */
    public static Endpoints current() {
        Endpoints endpoints = current;
        if (endpoints == null) {
            throw new IllegalStateException("no stack: LocalStackTestResource has not started (annotate the test"
                    + " class with @QuarkusTestResource(LocalStackTestResource.class))");
        }
        return endpoints;
    }

    @Override
    public void init(Map<String, String> args) {
        shared = !"false".equalsIgnoreCase(args.getOrDefault("shared", "true"));
        kafkaUser = Optional.ofNullable(blankToNull(args.get("kafka-user")));
        if (kafkaUser.isPresent()) {
            // The shared stack runs without auth; a test of auth brings its own.
            shared = false;
        }
    }

    /** The Kafka users of the running own stack with auth on (init arg {@code kafka-user}); else empty. */
    public static Optional<KafkaAuth> currentKafkaAuth() {
        return currentKafkaAuth;
    }

    @Override
    public Map<String, String> start() {
        Endpoints endpoints = kafkaUser.isPresent() ? startOwnStack()
                : fromEnvironment(System.getenv()).orElseGet(this::startOwnStack);
        current = endpoints;
        var props = new LinkedHashMap<>(quarkusProperties(endpoints));
        kafkaUser.ifPresent(user -> {
            KafkaAuth auth = currentKafkaAuth.orElseThrow();
            props.put("fleetplane.kafka.sasl.username", user);
            props.put("fleetplane.kafka.sasl.password-file", auth.passwordFile(user).toString());
        });
        return props;
    }

    private Endpoints startOwnStack() {
        if (Boolean.getBoolean(TESTCONTAINERS_PROPERTY)) {
            // Checked before ContainerStack is loaded: it links against Testcontainers.
            if (hasTestcontainers() && ContainerStack.dockerAvailable()) {
                ContainerStack containers = ContainerStack.start();
                owned = containers;
                return containers.endpoints();
            }
            LOG.log(System.Logger.Level.WARNING, "-D" + TESTCONTAINERS_PROPERTY
                    + "=true but no Docker engine or Testcontainers jars: using the local stack");
        }
        if (!shared) {
            LocalStack stack = LocalStack.start(LocalStackOptions.defaults().kafkaAuth(kafkaUser.isPresent()));
            owned = stack;
            currentKafkaAuth = stack.kafkaAuth();
            return stack.endpoints();
        }
        synchronized (LocalStackTestResource.class) {
            if (sharedStack == null) {
                // A LocalStack of this JVM is closed by its own shutdown hook when the JVM exits.
                sharedStack = SharedStack.configuredDir().map(SharedStack::attach)
                        .orElseGet(() -> LocalStack.start(LocalStackOptions.defaults()).endpoints());
            }
            return sharedStack;
        }
    }

    @Override
    public void stop() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping the test stack failed: " + e.getMessage());
            }
            owned = null;
            currentKafkaAuth = Optional.empty();
        }
    }

    /** A stack shared by CI, when the environment names one; partial settings are an error, not a silent start. */
    static Optional<Endpoints> fromEnvironment(Map<String, String> env) {
        String kafka = blankToNull(env.get(ENV_KAFKA));
        String url = blankToNull(env.get(ENV_JDBC_URL));
        if (kafka == null && url == null) {
            return Optional.empty();
        }
        if (kafka == null || url == null) {
            throw new IllegalStateException("a shared stack needs both " + ENV_KAFKA + " and " + ENV_JDBC_URL
                    + ", but only " + (kafka != null ? ENV_KAFKA : ENV_JDBC_URL) + " is set");
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalStateException(ENV_JDBC_URL + " must be a jdbc:postgresql:// URL, got " + url);
        }
        String user = blankToNull(env.get(ENV_JDBC_USER));
        if (user == null) {
            throw new IllegalStateException(ENV_JDBC_USER + " must be set beside " + ENV_JDBC_URL);
        }
        return Optional.of(new Endpoints(kafka, url, user, env.getOrDefault(ENV_JDBC_PASSWORD, "")));
    }

    /** These override application.properties; Dev Services would otherwise want Docker. */
    static Map<String, String> quarkusProperties(Endpoints endpoints) {
        var props = new LinkedHashMap<String, String>();
        props.put("kafka.bootstrap.servers", endpoints.kafkaBootstrapServers());
        props.put("quarkus.datasource.jdbc.url", endpoints.jdbcUrl());
        props.put("quarkus.datasource.username", endpoints.jdbcUser());
        props.put("quarkus.datasource.password", endpoints.jdbcPassword());
        // Every service's REST doors need a role: the test tokens (TestTokens) are the services' tokens file.
        props.put("fleetplane.tokens-file", TestTokens.file().toString());
        props.put("quarkus.devservices.enabled", "false");
        props.put("quarkus.kafka.devservices.enabled", "false");
        props.put("quarkus.datasource.devservices.enabled", "false");
        return props;
    }

    private static boolean hasTestcontainers() {
        for (String name : new String[] {"org.testcontainers.DockerClientFactory", "org.testcontainers.kafka.KafkaContainer",
                "org.testcontainers.postgresql.PostgreSQLContainer"}) {
            try {
                Class.forName(name, false, LocalStackTestResource.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return false;
            }
        }
        return true;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
