package dev.fleetplane.pvesim.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming multipart reader: fields before the file, near-miss delimiters inside the data, order rules. */
class MultipartUploadTest {

    private static final String B = "xYz42";

    private static byte[] body(String fields, byte[] file, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fields.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.iso\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(file);
        out.writeBytes(tail.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static String field(String name, String value) {
        return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    @Test
    void fieldsAndFile_areSeparated_evenWithDelimiterLookalikesInTheData(@TempDir Path dir) throws Exception {
        byte[] file = ("line\r\n--xYz4 not quite\r\r\n--" + "xY\r\n-\r\n--xYz4").getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = body("preamble\r\n" + field("content", "iso") + field("checksum", "ab"), file, "\r\n--" + B + "--\r\n");
        MultipartUpload.Result r = MultipartUpload.receive(new ByteArrayInputStream(body), B, dir);
        assertEquals("iso", r.fields().get("content"));
        assertEquals("ab", r.fields().get("checksum"));
        assertEquals("a.iso", r.fields().get("filename"));
        assertArrayEquals(file, Files.readAllBytes(r.file()));
        String form = new String(r.formBody(), StandardCharsets.UTF_8);
        assertTrue(form.startsWith("content=iso&checksum=ab&filename=a.iso&tmpfilename="), form);
    }

    @Test
    void aFieldAfterTheFile_isNotSeen_andAClientTmpfilenameIsDropped(@TempDir Path dir) throws Exception {
        byte[] body = body(field("tmpfilename", "/etc/passwd"), new byte[]{1, 2, 3},
                "\r\n" + field("content", "iso") + "--" + B + "--\r\n");
        MultipartUpload.Result r = MultipartUpload.receive(new ByteArrayInputStream(body), B, dir);
        assertNull(r.fields().get("content"));
        assertNull(r.fields().get("tmpfilename"));
        assertTrue(new String(r.formBody(), StandardCharsets.UTF_8).contains("tmpfilename=" + java.net.URLEncoder.encode(
                r.file().toString(), StandardCharsets.UTF_8)));
    }

    @Test
    void aFilePartNotNamedFilename_orATruncatedBody_isMalformed(@TempDir Path dir) throws Exception {
        String wrong = "--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.iso\"\r\n\r\nxx\r\n--" + B + "--\r\n";
        MultipartUpload.Malformed e = assertThrows(MultipartUpload.Malformed.class, () -> MultipartUpload.receive(
                new ByteArrayInputStream(wrong.getBytes(StandardCharsets.ISO_8859_1)), B, dir));
        assertEquals("wrong field name for file upload - abort upload", e.getMessage());
        byte[] cut = body(field("content", "iso"), new byte[]{1, 2, 3}, "");
        assertThrows(MultipartUpload.Malformed.class, () -> MultipartUpload.receive(new ByteArrayInputStream(cut), B, dir));
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "a failed upload leaves no spool file");
        }
    }

    @Test
    void boundary_isReadQuotedOrBare() throws Exception {
        assertEquals("abc", MultipartUpload.boundary("multipart/form-data; boundary=abc"));
        assertEquals("a b", MultipartUpload.boundary("multipart/form-data; boundary=\"a b\"; charset=x"));
        assertThrows(MultipartUpload.Malformed.class, () -> MultipartUpload.boundary("multipart/form-data"));
    }
}
