package dev.fleetplane.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's SHA-256 (lower-case hex) and size, taken in one streaming pass: what an upload announces so the other
 * side can check the bytes it got.
 */
public record ImageDigest(String sha256, long size) {

    public static ImageDigest of(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                size += n;
            }
        }
        return new ImageDigest(HexFormat.of().formatHex(md.digest()), size);
    }
}
