package dev.fleetplane.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** A file holding one secret (a token, a password) on its first line; refused when others may read it. */
final class SecretFile {

    private SecretFile() {
    }

    /**
     * The first line of {@code file}, stripped. {@code source} names where the path came from (a flag, a config key)
     * and {@code what} the secret, for errors; no error ever shows the file's content.
     */
    static String read(Path file, String source, String what) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                throw new CliException(what + " file " + file + " (" + source + ") is readable by others (mode "
                        + PosixFilePermissions.toString(mode) + "): chmod 600 " + file);
            }
            String first = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .findFirst().orElse("");
            if (first.isEmpty()) {
                throw new CliException(what + " file " + file + " (" + source + ") is empty");
            }
            return first;
        } catch (NoSuchFileException e) {
            throw new CliException(what + " file " + file + " (" + source + ") does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " file " + file + " (" + source + "): " + e.getMessage());
        }
    }
}
