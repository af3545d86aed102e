package dev.fleetplane.messaging.access;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The tokens this service admits, read once at start from {@value #FILE_KEY} (environment
 * {@code FLEETPLANE_TOKENS_FILE}); a bad line stops the service naming the file and line. No file: every request but
 * the probes is refused with 401, and the log says so at start.
 */
@Startup
@ApplicationScoped
public class Tokens {

    public static final String FILE_KEY = "fleetplane.tokens-file";

    private static final Logger LOG = Logger.getLogger(Tokens.class);

    /** The tokens file ({@code <name> <roles,comma> <sha256>} a line); unset: no token is admitted. */
    @ConfigProperty(name = FILE_KEY)
    Optional<Path> file;

    private volatile List<AccessToken> tokens = List.of();

    @PostConstruct
    void load() {
        if (file.isEmpty()) {
            LOG.warnf("no tokens file (%s, environment FLEETPLANE_TOKENS_FILE): every REST request but /q/health and "
                    + "/q/metrics will be refused", FILE_KEY);
            return;
        }
        Path path = file.get();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(FILE_KEY + ": cannot read " + path + ": " + e.getMessage(), e);
        }
        tokens = checked(path.toString(), TokensFile.parse(path.toString(), text));
        LOG.infof("tokens from %s: %s", path, tokens);
    }

    /** Names and hashes must be unique: two entries with one token would make its name a coin toss. */
    static List<AccessToken> checked(String fileName, List<AccessToken> all) {
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (AccessToken t : all) {
            if (!names.add(t.name())) {
                throw new IllegalStateException(fileName + ": token " + t.name() + " is written twice");
            }
            if (!hashes.add(HexFormat.of().formatHex(t.sha256()))) {
                throw new IllegalStateException(fileName + ": token " + t.name() + " has the same hash as another");
            }
        }
        return List.copyOf(all);
    }

    /** Whether any token is configured. */
    public boolean any() {
        return !tokens.isEmpty();
    }

    /** The entry this bearer token belongs to; every hash is compared, in constant time each. */
    public Optional<AccessToken> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        AccessToken found = null;
        for (AccessToken t : tokens) {
            if (MessageDigest.isEqual(hash, t.sha256())) {
                found = t;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The SHA-256 of a token's UTF-8 bytes, as the tokens file holds it (hex). */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
