package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running {@code ./fleetplane up} tells other commands how to reach it:
 * {@code $FLEETPLANE_HOME/stack.json} (default {@code ~/.fleetplane}), removed when the stack stops.
 */
final class StackFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StackFile() {
    }

    static Path location() {
        return home().resolve("stack.json");
    }

    /** {@code $FLEETPLANE_HOME}, default {@code ~/.fleetplane}: the stack file and the console token live there. */
    static Path home() {
        String home = System.getenv("FLEETPLANE_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".fleetplane");
    }

    static void write(Map<String, String> addresses) throws IOException {
        Path file = location();
        Files.createDirectories(file.getParent());
        Map<String, Object> content = new LinkedHashMap<>(addresses);
        content.put("pid", ProcessHandle.current().pid());
        // Mode 600 from its creation: it names where the stack's services are, and no other user needs to read it.
        Path tmp = file.resolveSibling("stack.json.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the file only if this process wrote it. */
    static void removeIfOurs() {
        Path file = location();
        try {
            if (Files.exists(file)) {
                var node = JSON.readTree(file.toFile());
                if (node.path("pid").asLong() == ProcessHandle.current().pid()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException ignored) {
            // a stack file we cannot read is not ours to delete
        }
    }

    /** The planner URL: {@code --planner} if given, else {@code FLEETPLANE_PLANNER_URL}, else the running stack's. */
    static String plannerUrl(String explicit) {
        return serviceUrl("planner", explicit);
    }

    /** The provisioner URL: {@code --provisioner}, else {@code FLEETPLANE_PROVISIONER_URL}, else the running stack's. */
    static String provisionerUrl(String explicit) {
        return serviceUrl("provisioner", explicit);
    }

    /**
     * The proxmox-adapter URL (its read-only API): {@code --adapter}, else {@code FLEETPLANE_ADAPTER_URL}, else the
     * running stack's {@code proxmox-adapter}.
     */
    static String adapterUrl(String explicit) {
        return serviceUrl("proxmox-adapter", "adapter", explicit);
    }

    /** The template builder URL: {@code --template-builder}, else {@code FLEETPLANE_TEMPLATE_BUILDER_URL}, else the stack's. */
    static String templateBuilderUrl(String explicit) {
        return serviceUrl("template-builder", "template-builder", explicit);
    }

    private static String serviceUrl(String service, String explicit) {
        return serviceUrl(service, service, explicit);
    }

    /** {@code flag} names the option ({@code --<flag>}) and the environment variable ({@code FLEETPLANE_<FLAG>_URL}). */
    static String serviceUrl(String service, String flag, String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String envName = "FLEETPLANE_" + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_URL";
        String env = System.getenv(envName);
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path file = location();
        if (!Files.exists(file)) {
            throw new CliException("no running stack found (" + file + " does not exist): start one with "
                    + "`./fleetplane up`, or pass --" + flag + " URL / set " + envName);
        }
        try {
            var node = JSON.readTree(file.toFile());
            long pid = node.path("pid").asLong();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
                throw new CliException("the stack recorded in " + file + " (pid " + pid + ") is no longer running: "
                        + "start one with `./fleetplane up`");
            }
            String url = node.path(service).asText("");
            if (url.isEmpty()) {
                throw new CliException(file + " names no " + service);
            }
            return url;
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
