package dev.fleetplane.localstack;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/** The stack's small state files (kept ports, the shared stack's lease): a reader never sees half of one. */
public final class PropertiesFiles {

    private PropertiesFiles() {
    }

    /**
     * Writes {@code properties} to a file beside {@code file}, then moves it over {@code file} atomically; mode 0600
     * from the start (a lease holds passwords).
     */
    public static void writeAtomically(Path file, Properties properties, String comment) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                properties.store(out, comment);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LocalStackException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
