package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where {@code fleetplane up} keeps what it learned (Kafka's log, which is the audit trail, and PostgreSQL's data:
 * plans, sagas, pinned host keys) between starts. {@code state.json} says which fleetplane wrote it and for which
 * Proxmox; {@code up.lock} keeps a second {@code up} out while one runs. Every check happens before anything in the
 * directory is created or changed, so a refused start leaves it as it was.
 */
final class StateDirectory implements AutoCloseable {

    /** The layout this fleetplane writes; a directory written with a higher one is refused. */
    static final int FORMAT = 1;
    static final String STATE_FILE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean fresh;

    private StateDirectory(Path dir, FileChannel lockChannel, FileLock lock, boolean fresh) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.fresh = fresh;
    }

    /**
     * The default: {@code $FLEETPLANE_HOME}, else for root {@code /var/lib/fleetplane} (PostgreSQL runs as user
     * postgres, who cannot reach into /root), else {@code $XDG_DATA_HOME/fleetplane} ({@code ~/.local/share/fleetplane}).
     */
    static Path defaultLocation(Map<String, String> env) {
        String home = env.get("FLEETPLANE_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/fleetplane");
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("fleetplane");
    }

    /**
     * Checks {@code dir} (owner, format, the Proxmox it belongs to, another {@code up}), then creates it if needed,
     * records {@code pveUrl} and holds the lock until {@link #close()}.
     */
    static StateDirectory open(Path dir, String pveUrl, String version) {
        Path d = dir.toAbsolutePath().normalize();
        boolean exists = Files.exists(d);
        if (exists && !Files.isDirectory(d)) {
            throw new CliException("state directory " + d + " is a file, not a directory: choose another --state-dir");
        }
        JsonNode state = null;
        if (exists) {
            checkOwner(d);
            state = readState(d);
            if (state == null && !onlyStackFile(d)) {
                throw new CliException("state directory " + d + " is not empty and holds no " + STATE_FILE
                        + ": it is not fleetplane's; choose an empty or new --state-dir");
            }
            if (state != null) {
                checkFormat(d, state);
                String recorded = state.path("pveUrl").asText("");
                if (!recorded.isEmpty() && !recorded.equals(pveUrl)) {
                    throw new CliException("state directory " + d + " belongs to the Proxmox at " + recorded
                            + ", not " + pveUrl + ": what it holds (plans, VMs, host keys) is that cluster's;"
                            + " give this one its own --state-dir");
                }
            }
        }
        checkReachableByPostgres(d);
        try {
            if (!exists) {
                Files.createDirectories(d);
            }
            // As root, PostgreSQL runs as user postgres and must be able to walk in; otherwise the data is private.
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(isRoot() ? "rwxr-xr-x" : "rwx------"));
            FileChannel channel = FileChannel.open(d.resolve("up.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(d.resolve("up.lock")), StandardCharsets.UTF_8).strip();
                channel.close();
                throw new CliException("another `fleetplane up`" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + " is using state directory " + d + ": stop it first, or give this one another --state-dir");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            writeState(d, state, pveUrl, version);
            return new StateDirectory(d, channel, lock, state == null);
        } catch (IOException e) {
            throw new CliException("cannot use state directory " + d + ": " + e.getMessage());
        }
    }

    Path path() {
        return dir;
    }

    /** True when this start made the directory's state (nothing was kept from before). */
    boolean fresh() {
        return fresh;
    }

    /** Kafka's and PostgreSQL's data and logs (a persistent local stack). */
    Path localStack() {
        return dir.resolve("stack");
    }

    Path logs() {
        return dir.resolve("logs");
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // The process ends soon after; the OS releases the lock with it.
        }
    }

    private static void checkOwner(Path d) {
        try {
            String owner = Files.getOwner(d).getName();
            String me = System.getProperty("user.name");
            if (!owner.equals(me)) {
                throw new CliException("state directory " + d + " belongs to user '" + owner + "', and fleetplane runs as '"
                        + me + "': run it as " + owner + ", or choose another --state-dir");
            }
        } catch (IOException e) {
            throw new CliException("cannot read the owner of state directory " + d + ": " + e.getMessage());
        }
    }

    private static JsonNode readState(Path d) {
        Path file = d.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new CliException(file + " is not a JSON object: restore it from a backup, or choose another --state-dir");
            }
            return node;
        } catch (IOException e) {
            throw new CliException(file + " is unreadable (" + e.getMessage().lines().findFirst().orElse("")
                    + "): restore it from a backup, or choose another --state-dir");
        }
    }

    private static void checkFormat(Path d, JsonNode state) {
        int format = state.path("format").asInt(-1);
        if (format < 1) {
            throw new CliException(d.resolve(STATE_FILE) + " has no valid \"format\": restore it from a backup, or"
                    + " choose another --state-dir");
        }
        if (format > FORMAT) {
            throw new CliException("state directory " + d + " was written by a newer fleetplane ("
                    + state.path("writtenBy").asText("unknown version") + ", state format " + format + "; this one reads "
                    + "format " + FORMAT + "): upgrade fleetplane, or choose another --state-dir");
        }
    }

    /** As root, PostgreSQL (user postgres) must pass through every parent directory: refuse before creating anything. */
    private static void checkReachableByPostgres(Path d) {
        if (!isRoot()) {
            return;
        }
        for (Path p = d.getParent(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new CliException("state directory " + d + " is inside " + p + ", which user postgres cannot"
                            + " enter (as root, PostgreSQL runs as postgres): choose one such as /var/lib/fleetplane");
                }
            } catch (IOException e) {
                throw new CliException("cannot read the permissions of " + p + ": " + e.getMessage());
            }
        }
    }

    private static void writeState(Path d, JsonNode before, String pveUrl, String version) throws IOException {
        ObjectNode state = before != null ? ((ObjectNode) before).deepCopy() : JSON.createObjectNode();
        state.put("format", FORMAT);
        state.put("writtenBy", version);
        state.put("pveUrl", pveUrl);
        if (!state.has("created")) {
            state.put("created", Instant.now().toString());
        }
        state.put("lastStarted", Instant.now().toString());
        Path tmp = d.resolve(STATE_FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
        Files.move(tmp, d.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Empty, or holding only {@code stack.json} (a simulator {@code up} run with FLEETPLANE_HOME here) and the tokens
     * file ({@code fleetplane token add} before the first {@code up}).
     */
    private static boolean onlyStackFile(Path d) {
        try (Stream<Path> entries = Files.list(d)) {
            return entries.allMatch(p -> p.getFileName().toString().startsWith("stack.json")
                    || p.getFileName().toString().equals(TokenCommand.FILE));
        } catch (IOException e) {
            throw new CliException("cannot list state directory " + d + ": " + e.getMessage());
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
