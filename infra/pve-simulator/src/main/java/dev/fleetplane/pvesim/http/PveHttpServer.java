package dev.fleetplane.pvesim.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * A minimal HTTP/1.1 server that speaks like pveproxy: per-response reason phrases, keep-alive with a 5 s idle
 * timeout, and the connection closed after every response >= 400; over TLS (an {@code SSLServerSocket}) or plain.
 *
 * <p>Why not {@code com.sun.net.httpserver.HttpServer}: it writes the status line from a fixed table
 * ({@code sun.net.httpserver.Code}) and offers no way to set a reason phrase, while Proxmox puts the first line of
 * every error message there ({@code HTTP/1.1 500 VM is locked (clone)}); a faithful simulator must reproduce that.
 * Like the JDK server this needs no dependency and starts in milliseconds, so it embeds anywhere.
 */
public final class PveHttpServer implements Closeable {

    private static final Logger LOG = Logger.getLogger(PveHttpServer.class.getName());
    private static final int IDLE_TIMEOUT_MILLIS = 5_000; // pveproxy's keep-alive idle timeout
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final int MAX_BODY = 64 * 1024 * 1024;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US);

    private final ServerSocket serverSocket;
    private final Function<RawRequest, ApiResponse> handler;
    private final ExecutorService workers;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final boolean secure;
    private volatile boolean closed;
    private volatile java.nio.file.Path uploadDir; // null: multipart bodies are buffered like any other

    public PveHttpServer(InetAddress bind, int port, Function<RawRequest, ApiResponse> handler) throws IOException {
        this(bind, port, handler, null);
    }

    /** @param tls serve HTTPS with this context (pveproxy only speaks TLS on 8006); null serves plain HTTP */
    public PveHttpServer(InetAddress bind, int port, Function<RawRequest, ApiResponse> handler, SSLContext tls)
            throws IOException {
        this.handler = handler;
        this.secure = tls != null;
        this.serverSocket = tls != null ? tls.getServerSocketFactory().createServerSocket() : new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(bind, port), 128);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pvesim-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "pvesim-http-accept");
        acceptor.setDaemon(true);
    }

    public PveHttpServer start() {
        acceptor.start();
        return this;
    }

    /**
     * Streams {@code multipart/form-data} POST bodies to temporary files in {@code dir} instead of memory, as
     * pveproxy does for uploads (see {@link MultipartUpload}); the handler gets the fields plus {@code tmpfilename}.
     */
    public PveHttpServer uploadDir(java.nio.file.Path dir) {
        this.uploadDir = dir;
        return this;
    }

    /** Whether this listener speaks TLS. */
    public boolean secure() {
        return secure;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public InetAddress address() {
        return serverSocket.getInetAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                open.add(socket);
                workers.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "accept failed", e);
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            boolean keepAlive = true;
            while (keepAlive && !closed) {
                String requestLine;
                try {
                    requestLine = readLine(in);
                } catch (SocketTimeoutException idle) {
                    return;
                }
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue; // tolerate stray CRLF between requests (RFC 9112 2.2)
                }
                Parsed parsed;
                try {
                    parsed = parse(requestLine, in, out, socket.getInetAddress(), uploadDir);
                } catch (BadRequest e) {
                    write(out, ApiResponse.empty(400, e.getMessage()), false, false);
                    return;
                } catch (BadRequestLine e) {
                    write(out, ApiResponse.empty(400, "Header too long"), false, false);
                    return;
                }
                boolean websocket = WebSocketProxy.wanted(parsed.request)
                        && parsed.request.rawPath().endsWith("/vncwebsocket");
                ApiResponse response;
                try {
                    response = handler.apply(parsed.request);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "handler failed for " + parsed.request.method() + " " + parsed.request.rawPath(), e);
                    response = ApiResponse.empty(500, "Internal Server Error");
                }
                if (parsed.spooled != null) {
                    // the handler moved what it keeps; pveproxy unlinks the temporary file after the request
                    java.nio.file.Files.deleteIfExists(parsed.spooled);
                }
                Integer wsPort = websocket && response.status() == 200 ? websocketPort(response) : null;
                if (wsPort != null && WebSocketProxy.refusal(parsed.request) != null) {
                    write(out, ApiResponse.empty(400, WebSocketProxy.refusal(parsed.request)), false, false);
                    return;
                }
                if (wsPort != null) {
                    // pveproxy upgrades once the handler accepted the ticket and named the port (websocket_proxy)
                    WebSocketProxy.bridge(socket, in, out, parsed.request, wsPort);
                    return;
                }
                keepAlive = parsed.keepAlive && !response.closesConnection();
                write(out, response, keepAlive, "HEAD".equals(parsed.request.method()));
            }
        } catch (SocketException | SocketTimeoutException e) {
            // client went away or stalled mid-request: nothing to answer
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.FINE, "connection failed", e);
            }
        } finally {
            open.remove(socket);
        }
    }

    private record Parsed(RawRequest request, boolean keepAlive, java.nio.file.Path spooled) {
    }

    private static final java.util.regex.Pattern WS_PORT = java.util.regex.Pattern.compile("\"port\":\"?(\\d+)");

    /** The {@code port} of a {@code {"data":{"port":…}}} answer (the vncwebsocket handler's), else null. */
    private static Integer websocketPort(ApiResponse response) {
        java.util.regex.Matcher m = WS_PORT.matcher(new String(response.body(), StandardCharsets.UTF_8));
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private static Parsed parse(String requestLine, InputStream in, OutputStream out, InetAddress remote,
                                java.nio.file.Path uploadDir) throws IOException, BadRequest {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("Bad Request");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        String target = parts[1];
        boolean http10 = parts[2].equals("HTTP/1.0");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int count = 0; ; count++) {
            String line = readLine(in);
            if (line == null) {
                throw new BadRequest("Bad Request");
            }
            if (line.isEmpty()) {
                break;
            }
            if (count >= MAX_HEADERS) {
                throw new BadRequest("Too many headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest("Bad header");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        String connection = first(headers, "connection");
        boolean keepAlive = http10
                ? connection != null && connection.equalsIgnoreCase("keep-alive")
                : connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");

        String expect = first(headers, "expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        String contentType = first(headers, "content-type");
        java.nio.file.Path spooled = null;
        byte[] body;
        if (uploadDir != null && method.equals("POST") && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            InputStream bodyIn = bodyStream(in, headers, Long.MAX_VALUE);
            MultipartUpload.Result upload;
            try {
                upload = MultipartUpload.receive(bodyIn, MultipartUpload.boundary(contentType), uploadDir);
            } catch (MultipartUpload.Malformed e) {
                // read the rest first: closing while the client still sends makes it see a reset, not the answer
                try {
                    bodyIn.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the 400 goes out anyway
                }
                throw new BadRequest(e.getMessage());
            } catch (UncheckedBadRequest e) {
                throw e.cause;
            }
            spooled = upload.file();
            try {
                bodyIn.transferTo(OutputStream.nullOutputStream()); // whatever follows the file part is not read
            } catch (UncheckedBadRequest e) {
                throw e.cause;
            }
            body = upload.formBody();
            headers.put("content-type", new ArrayList<>(List.of("application/x-www-form-urlencoded")));
        } else {
            try {
                body = bodyStream(in, headers, MAX_BODY).readAllBytes();
            } catch (UncheckedBadRequest e) {
                throw e.cause;
            }
        }

        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return new Parsed(new RawRequest(method, path, query, headers, body, remote), keepAlive, spooled);
    }

    /** A {@link BadRequest} found while a body stream is being read (streams may only throw IOException). */
    private static final class UncheckedBadRequest extends IOException {
        final BadRequest cause;

        UncheckedBadRequest(BadRequest cause) {
            super(cause.getMessage(), null);
            this.cause = cause;
        }
    }

    /** The request body as a stream (Content-Length or chunked), failing past {@code max} bytes. */
    private static InputStream bodyStream(InputStream in, Map<String, List<String>> headers, long max)
            throws BadRequest {
        String te = first(headers, "transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedBody(in, max);
        }
        String length = first(headers, "content-length");
        if (length == null) {
            return InputStream.nullInputStream();
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("Bad Content-Length");
        }
        if (n < 0 || n > max) {
            throw new BadRequest("Request body too large");
        }
        return new FixedBody(in, n);
    }

    /** Exactly {@code length} bytes of the connection; a short body is a bad request. */
    private static final class FixedBody extends InputStream {
        private final InputStream in;
        private long remaining;

        FixedBody(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new UncheckedBadRequest(new BadRequest("Incomplete body"));
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new UncheckedBadRequest(new BadRequest("Incomplete body"));
            }
            remaining -= n;
            return n;
        }
    }

    /** A {@code Transfer-Encoding: chunked} body, decoded as it is read. */
    private static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private final long max;
        private long total;
        private long chunkLeft;
        private boolean done;

        ChunkedBody(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        private boolean nextChunk() throws IOException {
            if (done) {
                return false;
            }
            if (chunkLeft == 0) {
                if (total > 0) {
                    readLine(in); // CRLF after the previous chunk's data
                }
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new UncheckedBadRequest(new BadRequest("Bad chunk"));
                }
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new UncheckedBadRequest(new BadRequest("Bad chunk size"));
                }
                if (size == 0) {
                    while (true) { // trailers
                        String trailer = readLine(in);
                        if (trailer == null || trailer.isEmpty()) {
                            done = true;
                            return false;
                        }
                    }
                }
                if (total + size > max) {
                    throw new UncheckedBadRequest(new BadRequest("Request body too large"));
                }
                total += size;
                chunkLeft = size;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!nextChunk()) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new UncheckedBadRequest(new BadRequest("Bad chunk"));
            }
            chunkLeft -= n;
            return n;
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Reads one CRLF- (or LF-) terminated line as ISO-8859-1; null at end of stream before any byte. */
    private static String readLine(InputStream in) throws IOException, BadRequestLine {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new BadRequestLine();
            }
            line.append((char) b);
        }
    }

    private static final class BadRequestLine extends IOException {
        BadRequestLine() {
            super("request line or header too long");
        }
    }

    private static void write(OutputStream out, ApiResponse response, boolean keepAlive, boolean head) throws IOException {
        StringBuilder h = new StringBuilder(256);
        String now = HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
        h.append("HTTP/1.1 ").append(response.status()).append(' ').append(response.reason()).append("\r\n");
        h.append("Cache-Control: max-age=0\r\n");
        h.append("Connection: ").append(keepAlive ? "Keep-Alive" : "close").append("\r\n");
        h.append("Date: ").append(now).append("\r\n");
        h.append("Pragma: no-cache\r\n");
        h.append("Server: pve-api-daemon/3.0\r\n");
        h.append("Content-Length: ").append(response.body().length).append("\r\n");
        if (response.contentType() != null) {
            h.append("Content-Type: ").append(response.contentType()).append("\r\n");
        }
        h.append("Expires: ").append(now).append("\r\n");
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(response.body());
        }
        out.flush();
    }

    /**
     * Stops accepting, closes every connection and waits a few seconds for requests being handled (a task that runs
     * inline, a guest booting), so nothing a request does outlives the close.
     */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
