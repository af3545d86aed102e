package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.pvesim.guest.NetnsGuests;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an {@code up} or {@code demo} killed with SIGKILL (or OOM-killed) left behind, removed when the next one starts:
 * its throwaway work directories ({@code $TMPDIR/fleetplane-*} holding {@value #OWNER}, the pid of the process that
 * made it: the fleet's private key, tokens, logs), the simulator's guests (processes, network namespaces, veths,
 * bridge: {@link NetnsGuests#sweepLeftovers}), and a {@code stack.json} whose pid is gone. Only what belongs to a
 * process that no longer runs is touched. Its services and its local stack stop by themselves (they watch their
 * parent) and the simulator's guest watchdog usually removes the guests at once; this is for what was killed with it.
 */
final class PreviousUp {

    /** The file in a throwaway work directory naming the pid of the {@code up} or {@code demo} that made it. */
    static final String OWNER = ".fleetplane-up.pid";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PreviousUp() {
    }

    /** Marks {@code workDir} as this process's, for the next start to find if this one is killed. */
    static void claim(Path workDir) throws IOException {
        Files.writeString(workDir.resolve(OWNER), ProcessHandle.current().pid() + "\n");
    }

    /** Cleans up after killed runs and prints a line per thing removed (nothing when there was nothing). */
    static void cleanUp(PrintStream progress) {
        List<String> cleaned = new ArrayList<>(workDirectories(Path.of(System.getProperty("java.io.tmpdir"))));
        try {
            cleaned.addAll(NetnsGuests.sweepLeftovers());
        } catch (IOException | RuntimeException e) {
            progress.println("fleetplane: could not look for the guests of a killed run: " + e.getMessage());
        }
        staleStackFile(StackFile.location()).ifPresent(cleaned::add);
        for (String line : cleaned) {
            progress.println("cleaned up after a killed run: " + line);
        }
    }

    /** Deletes the {@code fleetplane-*} directories under {@code tmp} whose owner no longer runs; says which. */
    static List<String> workDirectories(Path tmp) {
        List<String> removed = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("fleetplane-")
                    && Files.isRegularFile(d.resolve(OWNER))).toList()) {
                Optional<Long> pid = pid(dir.resolve(OWNER));
                if (pid.isEmpty() || alive(pid.get())) {
                    continue;
                }
                delete(dir);
                removed.add("work directory " + dir + " of pid " + pid.get() + " (fleet key, tokens, logs)");
            }
        } catch (IOException e) {
            // no temp directory to look at
        }
        return removed;
    }

    /** Deletes {@code stack.json} when the process it names is gone; says so. */
    static Optional<String> staleStackFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            long pid = JSON.readTree(file.toFile()).path("pid").asLong(-1);
            if (pid > 0 && alive(pid)) {
                return Optional.empty();
            }
            Files.deleteIfExists(file);
            return Optional.of(file + " of pid " + pid + ", which no longer runs");
        } catch (IOException e) {
            return Optional.empty(); // unreadable: not ours to judge
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Optional<Long> pid(Path file) {
        try {
            String first = Files.readString(file).strip();
            return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
