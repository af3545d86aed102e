package dev.fleetplane.proxmox.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A file to upload into a storage ({@code POST …/storage/{storage}/upload}).
 *
 * @param content           {@code iso}, {@code vztmpl} or {@code import} (the only ones Proxmox accepts)
 * @param file              the local file; streamed, never read whole into memory
 * @param filename          the name on the storage; null takes the local file's name
 * @param checksumAlgorithm {@code md5|sha1|sha224|sha256|sha384|sha512}, with {@code checksum}; both or neither
 */
public record UploadRequest(String content, Path file, String filename, String checksumAlgorithm, String checksum) {

    static final Set<String> CONTENT = Set.of("iso", "vztmpl", "import");
    static final Set<String> ALGORITHMS = Set.of("md5", "sha1", "sha224", "sha256", "sha384", "sha512");

    public UploadRequest {
        Objects.requireNonNull(content, "upload: content type is missing (iso, vztmpl or import)");
        if (!CONTENT.contains(content)) {
            throw new IllegalArgumentException("upload: content '" + content + "' is not one of iso, vztmpl, import");
        }
        Objects.requireNonNull(file, "upload: file is missing");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("upload: " + file + " is not a readable file");
        }
        if (filename == null || filename.isBlank()) {
            filename = file.getFileName().toString();
        }
        if (filename.contains("/") || filename.contains("\\") || filename.contains("\"") || filename.contains("\r")
                || filename.contains("\n")) {
            throw new IllegalArgumentException("upload: file name '" + filename.replaceAll("[\\r\\n]", "?")
                    + "' must not contain '/', '\\', '\"' or line breaks");
        }
        if ((checksumAlgorithm == null) != (checksum == null)) {
            throw new IllegalArgumentException("upload of " + filename + ": give both checksumAlgorithm and checksum, or neither");
        }
        if (checksumAlgorithm != null) {
            checksumAlgorithm = checksumAlgorithm.toLowerCase(Locale.ROOT);
            if (!ALGORITHMS.contains(checksumAlgorithm)) {
                throw new IllegalArgumentException("upload of " + filename + ": checksum algorithm '" + checksumAlgorithm
                        + "' is not one of md5, sha1, sha224, sha256, sha384, sha512");
            }
        }
    }

    public static UploadRequest of(String content, Path file) {
        return new UploadRequest(content, file, null, null, null);
    }
}
