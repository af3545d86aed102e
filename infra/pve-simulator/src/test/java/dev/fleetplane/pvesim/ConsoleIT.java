package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** termproxy + vncwebsocket and the pve-xtermjs byte protocol (reference §5). */
class ConsoleIT {

    private static final String VM = "/nodes/pve/qemu/";
    private PveSimulator sim;
    private PveTestClient client;

    @BeforeEach
    void start() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.vm(110, "dev").running(), SeedVm.vm(111, "off"))
                .build().start();
        client = new PveTestClient(sim);
    }

    @AfterEach
    void close() {
        sim.close();
    }

    private JsonNode termproxy(int vmid, String... form) {
        PveTestClient.Response r = client.post(VM + vmid + "/termproxy", form);
        assertEquals(200, r.status(), () -> r.body().toString());
        return r.data();
    }

    private static String readUntil(InputStream in, String want) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.UTF_8).contains(want)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("stream ended before '" + want + "', got: " + got.toString(StandardCharsets.UTF_8));
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void termproxy_answersUserTicketPortAsStringAndAVncproxyTask() {
        JsonNode t = termproxy(110);
        assertEquals(PveTestClient.TOKEN_ID, t.get("user").asText());
        assertTrue(t.get("ticket").asText().matches("PVEVNC:[0-9A-F]{8}::\\S+"), t.toString());
        assertTrue(t.get("port").isTextual(), t.toString());
        int port = Integer.parseInt(t.get("port").asText());
        assertTrue(port >= 5900 && port <= 5999, t.toString());
        assertTrue(t.get("upid").asText().contains(":vncproxy:110:" + PveTestClient.TOKEN_ID + ":"), t.toString());
        PveTestClient.Response bad = client.post(VM + "110/termproxy", "serial", "serial9");
        assertEquals(400, bad.status());
        assertEquals(500, client.post(VM + "4242/termproxy").status());
    }

    @Test
    void session_afterAuthLine_saysOk_startsTheSerialTerminal_andEchoesInput() throws Exception {
        JsonNode t = termproxy(110);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), t.get("port").asInt())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((t.get("user").asText() + ":" + t.get("ticket").asText() + "\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            String greeting = readUntil(in, "starting serial terminal on interface serial0\r\n");
            assertTrue(greeting.startsWith("OK"), greeting);
            // a resize, a ping and two data messages coalesced into one write; "é" is 2 UTF-8 bytes
            out.write("1:80:24:20:5:hello0:3:é!".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals("helloé!", readUntil(in, "é!"));
        }
        String upid = t.get("upid").asText();
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
    }

    @Test
    void session_withWrongTicket_isClosed_andTheTaskFails() throws Exception {
        JsonNode t = termproxy(110);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), t.get("port").asInt())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((t.get("user").asText() + ":PVEVNC:00000000::forged\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(-1, s.getInputStream().read());
        }
        assertEquals("authentication failed", client.awaitTask("pve", t.get("upid").asText()).get("exitstatus").asText());
    }

    @Test
    void session_refusals_arePrintedIntoTheStream() throws Exception {
        assertEquals("OKVM 111 not running\r\n", refusalOf(termproxy(111)));
        assertEquals("OKserial interface 'serial1' is not configured\r\n", refusalOf(termproxy(110, "serial", "serial1")));
    }

    private static String refusalOf(JsonNode t) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), t.get("port").asInt())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((t.get("user").asText() + ":" + t.get("ticket").asText() + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void vncwebsocket_bridgesTheSessionInBinaryFrames() throws Exception {
        JsonNode t = termproxy(110);
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                received.add(new String(bytes, StandardCharsets.UTF_8));
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                received.add("TEXT FRAME: " + data);
                ws.request(1);
                return null;
            }
        };
        URI uri = URI.create(sim.url().replace("http://", "ws://") + VM + "110/vncwebsocket?port=" + t.get("port").asText()
                + "&vncticket=" + URLEncoder.encode(t.get("ticket").asText(), StandardCharsets.UTF_8));
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                .subprotocols("binary")
                .buildAsync(uri, listener).get(5, TimeUnit.SECONDS);
        assertEquals("binary", ws.getSubprotocol());
        ws.sendText(t.get("user").asText() + ":" + t.get("ticket").asText() + "\n", true).get(5, TimeUnit.SECONDS);
        StringBuilder all = new StringBuilder();
        while (!all.toString().contains("serial0\r\n")) {
            String frame = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(frame, "no frame after: " + all);
            all.append(frame);
        }
        assertTrue(all.toString().startsWith("OK"), all.toString());
        ws.sendBinary(ByteBuffer.wrap("0:4:ping".getBytes(StandardCharsets.UTF_8)), true).get(5, TimeUnit.SECONDS);
        StringBuilder echo = new StringBuilder();
        while (!echo.toString().contains("ping")) {
            String frame = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(frame, "no echo after: " + echo);
            echo.append(frame);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        assertEquals("OK", client.awaitTask("pve", t.get("upid").asText()).get("exitstatus").asText());
    }

    /** A browser's view of the console: the websocket, the auth line, {@code 0:len:data} keystrokes. */
    private final class WsTerminal implements AutoCloseable {
        private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();
        private final WebSocket ws;
        private final JsonNode proxy;

        WsTerminal(int vmid) throws Exception {
            proxy = termproxy(vmid);
            WebSocket.Listener listener = new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    received.add(new String(bytes, StandardCharsets.UTF_8));
                    w.request(1);
                    return null;
                }
            };
            URI uri = URI.create(sim.url().replace("http://", "ws://") + VM + vmid + "/vncwebsocket?port="
                    + proxy.get("port").asText() + "&vncticket="
                    + URLEncoder.encode(proxy.get("ticket").asText(), StandardCharsets.UTF_8));
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                    .subprotocols("binary").buildAsync(uri, listener).get(5, TimeUnit.SECONDS);
            ws.sendText(proxy.get("user").asText() + ":" + proxy.get("ticket").asText() + "\n", true)
                    .get(5, TimeUnit.SECONDS);
        }

        void type(String keys) throws Exception {
            int len = keys.getBytes(StandardCharsets.UTF_8).length;
            ws.sendBinary(ByteBuffer.wrap(("0:" + len + ":" + keys).getBytes(StandardCharsets.UTF_8)), true)
                    .get(5, TimeUnit.SECONDS);
        }

        /** Everything received since the last expect, up to and including {@code want}. */
        String expect(String want) throws InterruptedException {
            while (!seen.toString().contains(want)) {
                String frame = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(frame, "no '" + want + "' after: " + seen);
                seen.append(frame);
            }
            int end = seen.indexOf(want) + want.length();
            String out = seen.substring(0, end);
            seen.delete(0, end);
            return out;
        }

        @Override
        public void close() throws Exception {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            assertEquals("OK", client.awaitTask("pve", proxy.get("upid").asText()).get("exitstatus").asText());
        }
    }

    @Test
    void serialLine_throughTheWebsocket_logsInAndRunsHostnameEchoAndIpAddr() throws Exception {
        try (WsTerminal term = new WsTerminal(110)) {
            assertEquals("OKstarting serial terminal on interface serial0\r\n", term.expect("serial0\r\n"));
            term.type("\r");
            assertEquals("\r\n\r\n<<< Welcome to NixOS 24.11 (x86_64) - ttyS0 >>>\r\n\r\ndev login: ",
                    term.expect("dev login: "));
            term.type("root\r");
            assertEquals("root\r\nPassword: ", term.expect("Password: "));
            term.type("s3cret\r");
            assertEquals("\r\n[root@dev:~]# ", term.expect("# "), "the password is not echoed");
            term.type("hostname\r");
            assertEquals("hostname\r\ndev\r\n[root@dev:~]# ", term.expect("# "));
            term.type("echo hi\r");
            assertEquals("echo hi\r\nhi\r\n[root@dev:~]# ", term.expect("# "));
            term.type("ip addr\r");
            String ip = term.expect("[root@dev:~]# ");
            assertTrue(ip.contains("1: lo: <LOOPBACK,UP,LOWER_UP>"), ip);
            assertTrue(ip.contains("2: ens18: <BROADCAST,MULTICAST,UP,LOWER_UP>"), ip);
            assertTrue(ip.contains("    inet " + sim.guestAddress(110) + "/24 "), ip);
        }
    }

    @Test
    void serialLine_isTheVms_aSecondSessionFindsItStillLoggedIn() throws Exception {
        try (WsTerminal first = new WsTerminal(110)) {
            first.expect("serial0\r\n");
            first.type("root\rpw\r");
            first.expect("[root@dev:~]# ");
        }
        try (WsTerminal second = new WsTerminal(110)) {
            second.expect("serial0\r\n");
            second.type("hostname\r");
            assertEquals("hostname\r\ndev\r\n[root@dev:~]# ", second.expect("# "));
            second.type("\u0004");
            assertTrue(second.expect("dev login: ").startsWith("logout\r\n"));
        }
    }

    @Test
    void vncwebsocket_needsApiAuthAndTheRightTicket() throws Exception {
        JsonNode t = termproxy(110);
        String query = VM + "110/vncwebsocket?port=" + t.get("port").asText() + "&vncticket=";
        PveTestClient.Response wrong = client.get(query + URLEncoder.encode("PVEVNC:00000000::x", StandardCharsets.UTF_8));
        assertEquals(403, wrong.status());
        PveTestClient.Response ok = client.get(query + URLEncoder.encode(t.get("ticket").asText(), StandardCharsets.UTF_8));
        assertEquals(200, ok.status());
        assertEquals(t.get("port").asText(), ok.data().get("port").asText());
        CompletableFuture<WebSocket> noAuth = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(sim.url().replace("http://", "ws://") + query
                        + URLEncoder.encode(t.get("ticket").asText(), StandardCharsets.UTF_8)), new WebSocket.Listener() { });
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> noAuth.get(5, TimeUnit.SECONDS));
        java.net.http.WebSocketHandshakeException refused =
                org.junit.jupiter.api.Assertions.assertInstanceOf(java.net.http.WebSocketHandshakeException.class, e.getCause());
        assertEquals(401, refused.getResponse().statusCode());
    }
}
