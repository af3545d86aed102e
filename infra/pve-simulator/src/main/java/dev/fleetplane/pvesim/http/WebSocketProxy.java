package dev.fleetplane.pvesim.http;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * pve-http-server's {@code websocket_proxy}: after the API handler accepted a {@code vncwebsocket} call (and
 * answered its {@code port}), the connection is upgraded and bridged to {@code localhost:<port>}. Client frames must
 * be masked and unfragmented, at most 128 KiB; text and binary payloads go raw to the TCP side, ping is answered with
 * pong, close ends the session. Everything from the TCP side goes back in binary frames.
 */
final class WebSocketProxy {

    static final int MAX_PAYLOAD = 128 * 1024;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketProxy() {
    }

    /** True for a request that asks to become a websocket. */
    static boolean wanted(RawRequest request) {
        String upgrade = request.header("upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).equals("websocket");
    }

    /** Why the handshake cannot happen (answered 400), or null. */
    static String refusal(RawRequest request) {
        String version = request.header("sec-websocket-version");
        if (version == null || !version.equals("13")) {
            return "unsupported websocket-version '" + (version == null ? "" : version) + "'";
        }
        if (request.header("sec-websocket-key") == null) {
            return "missing websocket-key";
        }
        return null;
    }

    /** Answers 101 and bridges until either side closes. */
    static void bridge(Socket client, InputStream in, OutputStream out, RawRequest request, int port) throws IOException {
        Socket backend;
        try {
            backend = new Socket(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            out.write(("HTTP/1.1 502 unable to connect to termproxy on port " + port + "\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return;
        }
        try (backend) {
            StringBuilder h = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: upgrade\r\nSec-WebSocket-Accept: " + accept(request.header("sec-websocket-key")) + "\r\n");
            String protocols = request.header("sec-websocket-protocol");
            if (protocols != null) {
                for (String p : protocols.split("\\s*,\\s*")) {
                    if (p.trim().equals("binary")) {
                        h.append("Sec-WebSocket-Protocol: binary\r\n");
                        break;
                    }
                }
            }
            h.append("\r\n");
            client.setSoTimeout(0);
            synchronized (out) {
                out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            Thread downstream = new Thread(() -> pumpToClient(backend, out), "pvesim-ws-" + port);
            downstream.setDaemon(true);
            downstream.start();
            try {
                pumpToBackend(new DataInputStream(in), out, backend.getOutputStream());
            } finally {
                backend.close();
                try {
                    downstream.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void pumpToBackend(DataInputStream in, OutputStream client, OutputStream backend) throws IOException {
        while (true) {
            int b0;
            try {
                b0 = in.readUnsignedByte();
            } catch (EOFException e) {
                return;
            }
            int b1 = in.readUnsignedByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            if (!fin || opcode == 0) {
                close(client, 1002, "received fragmented websocket frame");
                return;
            }
            if (!masked) {
                close(client, 1002, "received unmasked websocket frame");
                return;
            }
            if (len > MAX_PAYLOAD) {
                close(client, 1009, "websocket frame too large");
                return;
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            switch (opcode) {
                case 1, 2 -> {
                    backend.write(payload);
                    backend.flush();
                }
                case 8 -> {
                    close(client, 1000, "");
                    return;
                }
                case 9 -> frame(client, 10, payload);
                default -> { } // pong and reserved opcodes: ignored
            }
        }
    }

    private static void pumpToClient(Socket backend, OutputStream client) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = backend.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                frame(client, 2, java.util.Arrays.copyOf(buf, n));
            }
            close(client, 1000, "");
        } catch (IOException e) {
            // the client went away, or the session was closed from its side
        }
    }

    private static void close(OutputStream out, int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        frame(out, 8, payload);
    }

    /** One unmasked server frame. */
    static void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
        byte[] head;
        if (payload.length < 126) {
            head = new byte[]{(byte) (0x80 | opcode), (byte) payload.length};
        } else if (payload.length < 65536) {
            head = new byte[]{(byte) (0x80 | opcode), 126, (byte) (payload.length >> 8), (byte) payload.length};
        } else {
            head = new byte[10];
            head[0] = (byte) (0x80 | opcode);
            head[1] = 127;
            long len = payload.length;
            for (int i = 0; i < 8; i++) {
                head[9 - i] = (byte) (len >>> (8 * i));
            }
        }
        synchronized (out) {
            out.write(head);
            out.write(payload);
            out.flush();
        }
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key.trim() + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
