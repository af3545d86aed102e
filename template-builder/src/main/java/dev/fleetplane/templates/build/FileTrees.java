package dev.fleetplane.templates.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A build's directories: each attempt of the build command runs in a new {@code attempt-N} under the build's directory.
 * A builder that was killed leaves its command running as an orphan, which goes on writing into its own attempt's
 * directory, never into the one the resumed build looks for its artefact in.
 */
public final class FileTrees {

    private FileTrees() {
    }

    /** A new, empty {@code attempt-N} directory under {@code buildDir} (N one more than the highest there). */
    public static Path nextAttempt(Path buildDir) throws IOException {
        Files.createDirectories(buildDir);
        int highest = 0;
        try (var entries = Files.list(buildDir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("attempt-\\d{1,6}")) {
                    highest = Math.max(highest, Integer.parseInt(name.substring("attempt-".length())));
                }
            }
        }
        Path dir = buildDir.resolve("attempt-" + (highest + 1));
        Files.createDirectory(dir);
        return dir;
    }
}
