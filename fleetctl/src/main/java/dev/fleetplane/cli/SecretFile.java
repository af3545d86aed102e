package dev.fleetplane.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** A file holding one secret (a token, a password) on its first line; refused when others may read it. */
final class SecretFile {

    private SecretFile() {
    }

    /**
     * The first non-blank line of {@code file}, stripped. {@code source} names where the path came from (a flag, a
     * config key) and {@code shape} what the line should hold, for errors; no error ever shows the file's content.
     */
    static String read(Path file, String source, String shape) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                throw new CliException(source + " " + file + " may be read by others (mode " + octal(mode)
                        + "): it holds a secret, so fleetplane refuses it; run chmod 600 " + file);
            }
            String first = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).findFirst().orElse(null);
            if (first == null) {
                throw new CliException(source + " " + file + " is empty: put " + shape + " on its first line");
            }
            return first.strip();
        } catch (NoSuchFileException e) {
            throw new CliException(source + " " + file + " does not exist");
        } catch (UnsupportedOperationException e) {
            throw new CliException(source + " " + file + ": cannot check who may read it on this file system");
        } catch (IOException e) {
            throw new CliException("cannot read " + source + " " + file + ": " + e.getMessage());
        }
    }

    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }
}
