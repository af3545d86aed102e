package dev.fleetplane.images;

import com.github.luben.zstd.ZstdInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The wrappers vzdump puts around a VMA archive, chosen by the file name's suffix as vzdump names them, and checked
 * against the file's magic: a {@code .zst} that is really gzip is refused rather than guessed.
 *
 * <p>zstd is read with zstd-jni, gzip with the JDK. No Java library reads lzop's container without Hadoop
 * (aircompressor's lzop codec is a Hadoop codec), so {@code .lzo} runs {@code lzop -dc}, which vzdump itself uses,
 * and is refused with a clear message where lzop is not installed.
 */
public enum Compression {
    NONE("", null),
    ZSTD(".zst", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
    GZIP(".gz", new byte[] {0x1f, (byte) 0x8b}),
    LZO(".lzo", new byte[] {(byte) 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a});

    private final String suffix;
    private final byte[] magic;

    Compression(String suffix, byte[] magic) {
        this.suffix = suffix;
        this.magic = magic;
    }

    /** The name used in reports and in Proxmox's {@code format} ({@code vma.zst}): "zst", "gz", "lzo" or "none". */
    public String label() {
        return this == NONE ? "none" : suffix.substring(1);
    }

    /** The wrapper a file name says it has ({@code x.vma.zst} → ZSTD); NONE for any other suffix. */
    public static Compression ofName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (Compression c : values()) {
            if (c != NONE && lower.endsWith(c.suffix)) {
                return c;
            }
        }
        return NONE;
    }

    /** The wrapper whose magic the bytes start with, or NONE. */
    static Compression ofMagic(byte[] head, int length) {
        for (Compression c : values()) {
            if (c != NONE && startsWith(head, length, c.magic)) {
                return c;
            }
        }
        return NONE;
    }

    /**
     * The file's bytes with the wrapper its name announces removed.
     *
     * @throws ImageRejected when the file is empty or its magic does not match its name
     */
    public static InputStream open(Path file) throws IOException {
        Compression byName = ofName(file.getFileName().toString());
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 0) {
            throw new ImageRejected(file.getFileName() + ": empty file");
        }
        Compression byMagic = ofMagic(head, n);
        if (byName != NONE && byMagic != byName) {
            throw new ImageRejected(file.getFileName() + ": named ." + byName.label() + " but " + (byMagic == NONE
                    ? "does not start with the " + byName.label() + " magic: starts with " + hex(head, n)
                    : "is " + byMagic.label() + " (starts with " + hex(head, n) + ")"));
        }
        if (byName == NONE && byMagic != NONE) {
            throw new ImageRejected(file.getFileName() + ": is " + byMagic.label() + " compressed but its name has no ."
                    + byMagic.label() + " suffix");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            switch (byName) {
                case ZSTD:
                    return new ZstdInputStream(raw);
                case GZIP:
                    return new GZIPInputStream(raw, 1 << 16);
                case LZO:
                    raw.close();
                    return lzop(file);
                default:
                    return raw;
            }
        } catch (IOException e) {
            raw.close();
            throw new ImageRejected(file.getFileName() + ": cannot start " + byName.label() + " decompression: " + e.getMessage(), e);
        }
    }

    private static InputStream lzop(Path file) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("lzop", "-dc", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new ImageRejected(file.getFileName() + ": .lzo archives need the lzop program (apt-get install lzop), "
                    + "which is not installed: " + e.getMessage());
        }
        p.getOutputStream().close();
        return new ProcessStream(file, p);
    }

    static String hex(byte[] head, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(length, 8));
    }

    private static boolean startsWith(byte[] head, int length, byte[] magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** lzop's standard output; at its end, a failed lzop (corrupt input) is a rejection, not a short archive. */
    private static final class ProcessStream extends InputStream {
        private final Path file;
        private final Process process;
        private final InputStream out;

        ProcessStream(Path file, Process process) {
            this.file = file;
            this.process = process;
            this.out = new BufferedInputStream(process.getInputStream(), 1 << 16);
        }

        @Override
        public int read() throws IOException {
            int b = out.read();
            if (b < 0) {
                checkExit();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = out.read(buf, off, len);
            if (n < 0) {
                checkExit();
            }
            return n;
        }

        private void checkExit() throws IOException {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new ImageRejected(file.getFileName() + ": lzop did not finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("interrupted", e));
            }
            if (process.exitValue() != 0) {
                throw new ImageRejected(file.getFileName() + ": lzop -dc failed (exit " + process.exitValue()
                        + "): the .lzo file is corrupt or truncated");
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
            process.destroy();
        }
    }
}
