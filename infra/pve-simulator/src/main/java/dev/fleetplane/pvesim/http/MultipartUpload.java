package dev.fleetplane.pvesim.http;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receives a {@code multipart/form-data} upload the way pveproxy's {@code file_upload_multipart} does: form fields
 * are collected until the file part (whose field name must be {@code filename}), the file part is streamed to a
 * temporary file (never held in memory), and the request is complete when the file part ends, so fields sent
 * after the file are not seen. The handler then gets the fields plus {@code filename} and {@code tmpfilename}.
 */
final class MultipartUpload {

    private static final int MAX_FIELD = 64 * 1024;
    private static final int MAX_PART_HEADER = 8 * 1024;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern DISPOSITION_NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern DISPOSITION_FILENAME = Pattern.compile("(?i)(?:^|;)\\s*filename=\"([^\"]*)\"");

    /** The fields seen before the file ended, and the spooled file (null when no file part came). */
    record Result(Map<String, String> fields, Path file) {

        /** The fields as a form body, plus {@code tmpfilename} pointing at the spooled file. */
        byte[] formBody() {
            StringBuilder out = new StringBuilder();
            Map<String, String> all = new LinkedHashMap<>(fields);
            if (file != null) {
                all.put("tmpfilename", file.toString());
            }
            all.forEach((k, v) -> {
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            });
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A malformed upload: answered 400 with this text as reason phrase. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private MultipartUpload() {
    }

    static String boundary(String contentType) throws Malformed {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new Malformed("missing boundary in multipart content type");
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    static Result receive(InputStream body, String boundary, Path spoolDir) throws IOException, Malformed {
        Scanner scanner = new Scanner(new java.io.BufferedInputStream(body, 64 * 1024), ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        // The first delimiter has no CRLF before it: the scanner starts as if one had just been read.
        if (!scanner.skipTo()) {
            throw new Malformed("no multipart boundary found");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        while (true) {
            String after = scanner.lineAfterDelimiter();
            if (after.startsWith("--")) {
                return new Result(fields, null); // closing delimiter without any file part
            }
            Map<String, String> headers = scanner.partHeaders();
            String disposition = headers.getOrDefault("content-disposition", "");
            Matcher name = DISPOSITION_NAME.matcher(disposition);
            if (!disposition.toLowerCase(Locale.ROOT).startsWith("form-data") || !name.find()) {
                throw new Malformed("wrong content disposition in multipart - abort upload");
            }
            Matcher filename = DISPOSITION_FILENAME.matcher(disposition);
            if (filename.find()) {
                if (!name.group(1).equals("filename")) {
                    throw new Malformed("wrong field name for file upload - abort upload");
                }
                Files.createDirectories(spoolDir);
                Path file = Files.createTempFile(spoolDir, "pveupload-", "");
                boolean complete;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
                    complete = scanner.copyTo(out, Long.MAX_VALUE);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(file);
                    throw e;
                }
                if (!complete) {
                    Files.deleteIfExists(file);
                    throw new Malformed("unexpected end of multipart upload");
                }
                fields.remove("tmpfilename"); // only the server names the spooled file
                fields.put("filename", filename.group(1));
                return new Result(fields, file);
            }
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            if (!scanner.copyTo(value, MAX_FIELD)) {
                throw new Malformed("unexpected end of multipart form data");
            }
            fields.put(name.group(1), value.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Splits the stream at the delimiter {@code CRLF--boundary}. A boundary never contains CR, so a partial match
     * can only restart at the delimiter's first byte: on a mismatch the matched bytes are content.
     */
    private static final class Scanner {
        private final InputStream in;
        private final byte[] delimiter;

        Scanner(InputStream in, byte[] delimiter) {
            this.in = in;
            this.delimiter = delimiter;
        }

        /** Discards the preamble up to and including the first delimiter. */
        boolean skipTo() throws IOException, Malformed {
            return scan(OutputStream.nullOutputStream(), Long.MAX_VALUE, 2);
        }

        /** Copies the part body to {@code out} up to the next delimiter; false at end of stream. */
        boolean copyTo(OutputStream out, long max) throws IOException, Malformed {
            return scan(out, max, 0);
        }

        private boolean scan(OutputStream out, long max, int alreadyMatched) throws IOException, Malformed {
            int j = alreadyMatched;
            long written = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                if (b == (delimiter[j] & 0xFF)) {
                    j++;
                    if (j == delimiter.length) {
                        return true;
                    }
                    continue;
                }
                if (j > 0) {
                    if (alreadyMatched == 0 || j > alreadyMatched) {
                        out.write(delimiter, 0, j);
                        written += j;
                    }
                    alreadyMatched = 0;
                    j = 0;
                }
                if (b == (delimiter[0] & 0xFF)) {
                    j = 1;
                    continue;
                }
                out.write(b);
                if (++written > max) {
                    throw new Malformed("Form data too large");
                }
            }
        }

        /** The rest of the delimiter line: empty before another part, {@code --} after the last one. */
        String lineAfterDelimiter() throws IOException, Malformed {
            return line();
        }

        Map<String, String> partHeaders() throws IOException, Malformed {
            Map<String, String> headers = new LinkedHashMap<>();
            int total = 0;
            while (true) {
                String line = line();
                if (line.isEmpty()) {
                    return headers;
                }
                total += line.length();
                if (total > MAX_PART_HEADER) {
                    throw new Malformed("multipart part header too long");
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
        }

        private String line() throws IOException, Malformed {
            StringBuilder s = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (s.length() >= 2 && s.toString().startsWith("--")) {
                        return s.toString();
                    }
                    throw new Malformed("unexpected end of multipart upload");
                }
                if (b == '\n') {
                    int len = s.length();
                    if (len > 0 && s.charAt(len - 1) == '\r') {
                        s.setLength(len - 1);
                    }
                    return s.toString();
                }
                if (s.length() > MAX_PART_HEADER) {
                    throw new Malformed("multipart part header too long");
                }
                s.append((char) b);
            }
        }
    }
}
