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
                    parsed = parse(requestLine, in, out, socket.getInetAddress());
                } catch (BadRequest e) {
                    write(out, ApiResponse.empty(400, e.getMessage()), false, false);
                    return;
                } catch (BadRequestLine e) {
                    write(out, ApiResponse.empty(400, "Header too long"), false, false);
                    return;
                }
                ApiResponse response;
                try {
                    response = handler.apply(parsed.request);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "handler failed for " + parsed.request.method() + " " + parsed.request.rawPath(), e);
                    response = ApiResponse.empty(500, "Internal Server Error");
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

    private record Parsed(RawRequest request, boolean keepAlive) {
    }

    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private static Parsed parse(String requestLine, InputStream in, OutputStream out, InetAddress remote)
            throws IOException, BadRequest {
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
        byte[] body = readBody(in, headers);

        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return new Parsed(new RawRequest(method, path, query, headers, body, remote), keepAlive);
    }

    private static byte[] readBody(InputStream in, Map<String, List<String>> headers) throws IOException, BadRequest {
        String te = first(headers, "transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new BadRequest("Bad chunk");
                }
                int semi = sizeLine.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new BadRequest("Bad chunk size");
                }
                if (size == 0) {
                    while (true) { // trailers
                        String trailer = readLine(in);
                        if (trailer == null || trailer.isEmpty()) {
                            return body.toByteArray();
                        }
                    }
                }
                if (body.size() + size > MAX_BODY) {
                    throw new BadRequest("Request body too large");
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        String length = first(headers, "content-length");
        if (length == null) {
            return new byte[0];
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("Bad Content-Length");
        }
        if (n < 0 || n > MAX_BODY) {
            throw new BadRequest("Request body too large");
        }
        byte[] body = in.readNBytes((int) n);
        if (body.length != n) {
            throw new BadRequest("Incomplete body");
        }
        return body;
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
    }
}
