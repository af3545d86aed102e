package dev.fleetplane.messaging;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns a Kafka user and a password file into the global {@code kafka.*} SASL settings every Kafka client of the
 * service uses (the SmallRye channels, and the hand-built ones through {@link KafkaClientSettings}), so the password
 * is never in a property file, an environment variable or a command line:
 * <ul>
 *   <li>{@code fleetplane.kafka.sasl.username}: the service's Kafka user; unset means no SASL (a broker without
 *       authentication, as the shared test stack runs);</li>
 *   <li>{@code fleetplane.kafka.sasl.password-file}: the file holding its password (one line; required with a
 *       user);</li>
 *   <li>{@code fleetplane.kafka.sasl.mechanism}: {@code SCRAM-SHA-512} (default), {@code SCRAM-SHA-256} or
 *       {@code PLAIN};</li>
 *   <li>{@code fleetplane.kafka.security-protocol}: {@code SASL_PLAINTEXT} (default, for a broker on loopback) or
 *       {@code SASL_SSL} (a real deployment; the trust store is {@code kafka.ssl.truststore.*}).</li>
 * </ul>
 * They become {@code kafka.security.protocol}, {@code kafka.sasl.mechanism} and {@code kafka.sasl.jaas.config} at an
 * ordinal between application.properties and the environment: an explicit {@code KAFKA_SASL_JAAS_CONFIG} wins.
 */
public class KafkaCredentialsConfigSource implements ConfigSourceFactory {

    static final String USERNAME = "fleetplane.kafka.sasl.username";
    static final String PASSWORD_FILE = "fleetplane.kafka.sasl.password-file";
    static final String MECHANISM = "fleetplane.kafka.sasl.mechanism";
    static final String PROTOCOL = "fleetplane.kafka.security-protocol";
    /** Above application.properties (250), below environment variables (300). */
    static final int ORDINAL = 275;

    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    private static final Set<String> PROTOCOLS = Set.of("SASL_PLAINTEXT", "SASL_SSL");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Optional<String> username = value(context, USERNAME);
        if (username.isEmpty()) {
            return List.of();
        }
        Map<String, String> properties = kafkaProperties(username.get(),
                value(context, PASSWORD_FILE).map(Path::of),
                value(context, MECHANISM).orElse("SCRAM-SHA-512"),
                value(context, PROTOCOL).orElse("SASL_PLAINTEXT"));
        return List.of(new PropertiesConfigSource(properties, "fleetplane Kafka credentials", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** The {@code kafka.*} settings for {@code username}, its password read from {@code passwordFile}. */
    static Map<String, String> kafkaProperties(String username, Optional<Path> passwordFile, String mechanism,
                                               String protocol) {
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException(MECHANISM + " must be one of " + MECHANISMS + ", got " + mechanism);
        }
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException(PROTOCOL + " must be one of " + PROTOCOLS + " with "
                    + USERNAME + " set, got " + protocol);
        }
        checkJaasSafe(USERNAME + " " + username, username);
        Path file = passwordFile.orElseThrow(() -> new IllegalArgumentException(
                USERNAME + " is set (" + username + ") but " + PASSWORD_FILE + " is not"));
        String password = readPassword(file);
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        var out = new LinkedHashMap<String, String>();
        out.put("kafka.security.protocol", protocol);
        out.put("kafka.sasl.mechanism", mechanism);
        out.put("kafka.sasl.jaas.config",
                module + " required username=\"" + username + "\" password=\"" + password + "\";");
        return out;
    }

    private static String readPassword(Path file) {
        String password;
        try {
            password = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // The exception's own text names the file and the reason (no such file, permission denied), not content.
            throw new IllegalArgumentException(PASSWORD_FILE + " " + file + " cannot be read: " + e, e);
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException(PASSWORD_FILE + " " + file + " is empty");
        }
        checkJaasSafe(PASSWORD_FILE + " " + file, password);
        return password;
    }

    /**
     * The value goes inside a JAAS string that the configuration expands: a quote, a backslash, a line break or a
     * {@code $} would change its meaning. Says which input, never the value itself.
     */
    private static void checkJaasSafe(String what, String value) {
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\' || c == '$' || c < 0x20) {
                throw new IllegalArgumentException(what + " contains a character a JAAS configuration cannot carry"
                        + " (a quote, a backslash, a $ or a control character); use letters, digits and punctuation"
                        + " other than those");
            }
        }
    }

    private static Optional<String> value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? Optional.empty()
                : Optional.of(v.getValue().strip());
    }
}
