package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The local server's two generated passwords, each in a file of mode 0600 in PostgreSQL's directory of the stack:
 * {@value #SUPERUSER_FILE} (user {@code postgres}; initdb's {@code --pwfile}, what the stack and its reset use) and
 * {@value #FLEETPLANE_FILE} (role {@code fleetplane}, what the services get). They are hex, so they go into SQL as
 * literals without quoting problems; a persistent stack reads them again on its next start.
 */
public final class PostgresPasswords {

    public static final String SUPERUSER_FILE = "superuser.password";
    public static final String FLEETPLANE_FILE = "fleetplane.password";

    private static final SecureRandom RANDOM = new SecureRandom();

    private PostgresPasswords() {
    }

    /** 32 random bytes as 64 hex digits. */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The password in {@code file}; a new one written there (0600) when the file does not exist. */
    public static String readOrCreate(Path file) {
        return read(file).orElseGet(() -> {
            String password = generate();
            write(file, password);
            return password;
        });
    }

    public static java.util.Optional<String> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!isHex(text)) {
                throw new LocalStackException("postgres: " + file + " does not hold a password written by the local"
                        + " stack (hex digits expected); remove it only together with the cluster it belongs to");
            }
            return java.util.Optional.of(text);
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Written to a private temporary file first (mode 0600 from its creation), then moved over {@code file}. */
    public static void write(Path file, String password) {
        if (!isHex(password)) {
            throw new IllegalArgumentException("a local-stack password is hex digits");
        }
        try {
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static boolean isHex(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
