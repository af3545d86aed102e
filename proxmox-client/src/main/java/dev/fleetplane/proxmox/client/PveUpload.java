package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The multipart upload to {@code …/storage/{storage}/upload}, written by hand over {@link HttpURLConnection}.
 *
 * <p>Why not the Quarkus REST client: pveproxy parses the multipart stream itself and needs the non-file fields
 * before the file part, whose field name must be {@code filename}; the REST client's multipart support does not
 * promise part order, and its file parts may be buffered. Here the bytes are written in order and the file is
 * streamed ({@code setFixedLengthStreamingMode}), never held in memory. {@code HttpURLConnection} rather than
 * {@code java.net.http.HttpClient} because only it exposes the reason phrase, where Proxmox puts its error text.
 * TLS trust and credentials are the connection's ({@link PveTls}, token header or ticket cookie + CSRF token).
 */
final class PveUpload {

    private static final int CHUNK = 256 * 1024;

    private final PveConnection connection;
    private final SSLSocketFactory tls; // null: the JDK default
    private final HostnameVerifier anyHost; // null: the JDK checks the host name

    PveUpload(PveConnection connection) {
        this.connection = connection;
        if (!"https".equals(connection.baseUrl().getScheme())) {
            this.tls = null;
            this.anyHost = null;
        } else if (connection.insecure()) {
            this.tls = PveReadOnlyClient.trustAll();
            this.anyHost = (host, session) -> true;
        } else {
            PveTls trust = PveTls.of(connection);
            this.tls = trust.trustManager() == null ? null : trust.sslContext().getSocketFactory();
            this.anyHost = trust.trustManager() != null && !trust.verifyHost() ? (host, session) -> true : null;
        }
    }

    /**
     * Sends the upload; returns the answer's envelope or throws the typed failure. {@code progress} hears the bytes of
     * the file written so far after each chunk (on the calling thread; a second attempt after a 401 starts from 0).
     */
    JsonNode send(PveCall c, UploadRequest request, TicketSession session, LongConsumer progress) {
        TicketSession.Ticket used = session == null ? null : session.ensureFresh();
        Answer a = post(c, request, used, progress);
        if (used != null && a.status == 401) {
            // the ticket died early: log in once more (a 401 ran nothing, and the file can be read again)
            session.invalidate(used);
            a = post(c, request, session.ensureFresh(), progress);
        }
        return ResponseReader.envelope(c, a.status, a.reason, a.body);
    }

    private record Answer(int status, String reason, String body) {
    }

    static byte[][] frame(UploadRequest request, String boundary) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[]{"content", request.content()});
        if (request.checksumAlgorithm() != null) {
            fields.add(new String[]{"checksum-algorithm", request.checksumAlgorithm()});
            fields.add(new String[]{"checksum", request.checksum()});
        }
        StringBuilder head = new StringBuilder();
        for (String[] f : fields) {
            head.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(f[0]).append("\"\r\n\r\n")
                    .append(f[1]).append("\r\n");
        }
        // the file part last, named 'filename' (pveproxy's file_upload_multipart insists on both)
        head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"filename\"; filename=\"").append(request.filename())
                .append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        String tail = "\r\n--" + boundary + "--\r\n";
        return new byte[][]{head.toString().getBytes(StandardCharsets.UTF_8), tail.getBytes(StandardCharsets.UTF_8)};
    }

    /** {@code InputStream.transferTo}, telling {@code progress} the running total after each chunk. */
    private static long copy(InputStream in, OutputStream out, LongConsumer progress) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            total += n;
            progress.accept(total);
        }
        return total;
    }

    private Answer post(PveCall c, UploadRequest request, TicketSession.Ticket ticket, LongConsumer progress) {
        String boundary = "----fleetplane" + UUID.randomUUID().toString().replace("-", "");
        byte[][] frame = frame(request, boundary);
        try {
            long size = Files.size(request.file());
            HttpURLConnection http = (HttpURLConnection) URI.create(c.url()).toURL().openConnection();
            if (http instanceof HttpsURLConnection https) {
                if (tls != null) {
                    https.setSSLSocketFactory(tls);
                }
                if (anyHost != null) {
                    https.setHostnameVerifier(anyHost);
                }
            }
            http.setRequestMethod("POST");
            http.setInstanceFollowRedirects(false);
            http.setDoOutput(true);
            http.setFixedLengthStreamingMode(frame[0].length + size + frame[1].length);
            http.setConnectTimeout((int) connection.connectTimeout().toMillis());
            http.setReadTimeout((int) connection.readTimeout().toMillis());
            http.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + boundary);
            http.setRequestProperty("Accept", "application/json");
            if (ticket == null) {
                http.setRequestProperty("Authorization", connection.authorization());
            } else {
                http.setRequestProperty("Cookie", "PVEAuthCookie=" + ticket.ticket());
                http.setRequestProperty("CSRFPreventionToken", ticket.csrfToken());
            }
            try (OutputStream out = http.getOutputStream(); InputStream file = Files.newInputStream(request.file())) {
                out.write(frame[0]);
                long copied = copy(file, out, progress);
                if (copied != size) {
                    throw new IOException(request.file() + " changed size while being uploaded");
                }
                out.write(frame[1]);
            }
            int status = http.getResponseCode();
            String reason = http.getResponseMessage();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String body;
            try (in) {
                body = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Answer(status, reason, body);
        } catch (IOException | RuntimeException e) {
            throw TransportFailure.of(connection, c, e);
        }
    }
}
