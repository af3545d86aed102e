package dev.fleetplane.console.auth;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.messaging.access.AccessToken;
import dev.fleetplane.messaging.access.Roles;
import dev.fleetplane.messaging.access.Tokens;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The operators the gateway admits, from {@code fleetplane.console.operators.*} and the operators file, checked at
 * start (a bad entry stops the gateway naming it), and the shared tokens file of every service (fleet-messaging
 * {@link Tokens}, docs/access.md): {@code operator} and {@code console} write, {@code viewer} reads, on the hosts of
 * the token's {@code hosts=} (every host without it), and not once its {@code expires=} is past.
 */
@Startup
@ApplicationScoped
public class Operators {

    private static final Logger LOG = Logger.getLogger(Operators.class);

    @Inject
    ConsoleConfig config;

    @Inject
    Tokens shared;

    private volatile List<Operator> operators = List.of();

    /** The clock a shared token's expiry is judged by (a test may set another). */
    Clock clock = Clock.systemUTC();

    @PostConstruct
    void load() {
        List<Operator> all = new ArrayList<>();
        for (Map.Entry<String, ConsoleConfig.Operator> e : config.operators().entrySet()) {
            ConsoleConfig.Operator o = e.getValue();
            all.add(Operator.parse("fleetplane.console.operators." + e.getKey(), e.getKey(), o.access(), o.hosts(),
                    o.tokenSha256()));
        }
        if (config.operatorsFile().isPresent()) {
            var file = config.operatorsFile().get();
            try {
                all.addAll(OperatorFile.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException("fleetplane.console.operators-file: cannot read " + file + ": "
                        + e.getMessage(), e);
            }
        }
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (Operator o : all) {
            if (!names.add(o.name())) {
                throw new IllegalStateException("operator " + o.name() + " is configured twice");
            }
            if (!hashes.add(java.util.HexFormat.of().formatHex(o.tokenSha256()))) {
                throw new IllegalStateException("operator " + o.name() + " has the same token as another operator");
            }
        }
        operators = List.copyOf(all);
        if (all.isEmpty()) {
            LOG.warn("no console operators configured (fleetplane.console.operators.* or "
                    + "fleetplane.console.operators-file): every console request will be refused");
        } else {
            LOG.infof("console operators: %s", all.stream().map(Operator::toString).toList());
        }
    }

    /** The operator whose token this is; every configured hash is compared, in constant time each. */
    public Optional<Operator> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        Operator found = null;
        for (Operator o : operators) {
            if (MessageDigest.isEqual(hash, o.tokenSha256())) {
                found = o;
            }
        }
        Instant now = clock.instant();
        return found != null ? Optional.of(found) : shared.authenticate(token).flatMap(t -> fromShared(t, now));
    }

    /**
     * Why {@link #authenticate} found no operator for this token, for the 401: an expired shared token names its
     * expiry, a shared token without a console role says so, anything else is an unknown token.
     */
    public String refusal(String token) {
        Optional<AccessToken> t = token == null || token.isEmpty() ? Optional.empty() : shared.authenticate(token);
        if (t.isEmpty()) {
            return "unknown token";
        }
        if (t.get().expiredAt(clock.instant())) {
            return "token " + t.get().name() + " expired at " + t.get().expires();
        }
        return "token " + t.get().name() + " has no console role (operator, console or viewer)";
    }

    /**
     * A shared token as a console operator of the hosts of its {@code hosts=} (every host without it); an expired
     * token, or one with none of the console's roles, is not one.
     */
    static Optional<Operator> fromShared(AccessToken t, Instant now) {
        if (t.expiredAt(now)) {
            return Optional.empty();
        }
        var roles = t.granted();
        boolean write = roles.contains(Roles.OPERATOR) || roles.contains(Roles.CONSOLE);
        if (!write && !roles.contains(Roles.VIEWER)) {
            return Optional.empty();
        }
        return Optional.of(new Operator(t.name(), t.sha256(), t.hosts().isEmpty() ? List.of("*") : t.hosts(), write));
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
