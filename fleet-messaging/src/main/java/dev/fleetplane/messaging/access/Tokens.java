package dev.fleetplane.messaging.access;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The tokens this service admits, read from {@value #FILE_KEY} (environment {@code FLEETPLANE_TOKENS_FILE}) at start,
 * where a bad line stops the service naming the file and line, and again whenever the file changes, so that tokens
 * are added, limited or revoked without a restart. No file: every request but the probes is refused with 401, and
 * the log says so at start.
 *
 * <p>A change is noticed by the file's modification time and size, looked at on an authentication at most once a
 * second ({@link #CHECK_EVERY}) — not by a WatchService: that watches a directory, misses a file replaced through a
 * symlink (how Kubernetes updates a mounted secret) and on some filesystems (NFS, overlays) never fires, and it needs
 * a thread of its own; one {@code stat} a second costs nothing and works everywhere. A bad edit keeps the previous
 * tokens and logs an ERROR naming the file and line (never a hash); a deleted or unreadable file keeps them too.
 */
@Startup
@ApplicationScoped
public class Tokens {

    public static final String FILE_KEY = "fleetplane.tokens-file";

    private static final Logger LOG = Logger.getLogger(Tokens.class);

    /** The tokens file ({@code <name> <roles,comma> <sha256>} a line); unset: no token is admitted. */
    @ConfigProperty(name = FILE_KEY)
    Optional<Path> file;

    /** How often at most the file is looked at for a change. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private volatile List<AccessToken> tokens = List.of();

    /** The clock the checks are spaced by (a test may set another). */
    Clock clock = Clock.systemUTC();

    private final ReentrantLock checking = new ReentrantLock();
    private volatile Instant nextCheck = Instant.MIN;
    /** What the file looked like when last read or refused: its modification time and size; null: missing. */
    private volatile Seen seen;

    /** A file's modification time and size. */
    private record Seen(Instant modified, long size) {
    }

    @PostConstruct
    void load() {
        if (file.isEmpty()) {
            LOG.warnf("no tokens file (%s, environment FLEETPLANE_TOKENS_FILE): every REST request but /q/health and "
                    + "/q/metrics will be refused", FILE_KEY);
            return;
        }
        Path path = file.get();
        Seen before = look(path);
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(FILE_KEY + ": cannot read " + path + ": " + e.getMessage(), e);
        }
        tokens = checked(path.toString(), TokensFile.parse(path.toString(), text));
        seen = before;
        nextCheck = clock.instant().plus(CHECK_EVERY);
        LOG.infof("tokens from %s: %s", path, tokens);
    }

    /**
     * Reads the file again if it changed since it was last looked at; at most once every {@link #CHECK_EVERY}, and by
     * one caller at a time (the others go on with the tokens they have).
     */
    void reloadIfChanged() {
        if (file.isEmpty() || clock.instant().isBefore(nextCheck) || !checking.tryLock()) {
            return;
        }
        try {
            nextCheck = clock.instant().plus(CHECK_EVERY);
            Path path = file.get();
            Seen now = look(path);
            if (Objects.equals(now, seen)) {
                return;
            }
            seen = now;
            if (now == null) {
                LOG.errorf("tokens file %s is gone; keeping the %d tokens read before (%s) until it is back", path,
                        tokens.size(), names(tokens));
                return;
            }
            try {
                List<AccessToken> read = checked(path.toString(),
                        TokensFile.parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8)));
                LOG.infof("tokens file %s changed: %s (were %s)", path, read, names(tokens));
                tokens = read;
            } catch (IOException | RuntimeException e) {
                // The parser's messages name the file, line and token, never a hash.
                LOG.errorf("tokens file %s changed but is refused, keeping the %d tokens read before (%s): %s", path,
                        tokens.size(), names(tokens), e.getMessage());
            }
        } finally {
            checking.unlock();
        }
    }

    private static Seen look(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Seen(a.lastModifiedTime().toInstant(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> names(List<AccessToken> all) {
        return all.stream().map(AccessToken::name).toList();
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
        reloadIfChanged();
        return !tokens.isEmpty();
    }

    /** The entry this bearer token belongs to; every hash is compared, in constant time each. */
    public Optional<AccessToken> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        reloadIfChanged();
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
