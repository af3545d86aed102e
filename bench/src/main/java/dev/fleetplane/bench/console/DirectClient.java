package dev.fleetplane.bench.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A console straight to Proxmox's (here the simulator's) termproxy, as the pve-xtermjs page opens it: ticket login
 * ({@code POST /access/ticket}), {@code POST …/termproxy serial=serial0} with the cookie and CSRF token, then
 * {@code vncwebsocket} ({@code binary} subprotocol, {@code PVEAuthCookie}, the VNC ticket), the auth line
 * {@code user:ticket\n}, {@code OK}, and input as {@code 0:<len>:<data>}, one frame per message.
 *
 * <p>Hand-written framing on purpose: the two frames used here are the whole of what a browser sends for typing, and
 * this is the baseline the gateway is compared with, so it must not go through the gateway's own classes.
 */
final class DirectClient implements Keyboard, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Screen screen = new Screen("direct");
    private final WebSocket socket;

    private DirectClient(WebSocket.Builder builder, URI uri) {
        socket = builder.buildAsync(uri, new Listener()).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /**
     * Logs in as {@code user}, opens VM {@code vmid}'s serial0 on {@code node} and waits for termproxy's
     * {@code OK} and qm's first line.
     */
    static DirectClient open(HttpClient https, String apiUrl, String node, int vmid, String user, String password)
            throws IOException, InterruptedException {
        JsonNode login = post(https, apiUrl + "/access/ticket", "username=" + enc(user) + "&password=" + enc(password),
                null, null);
        String cookie = "PVEAuthCookie=" + login.path("ticket").asText();
        String csrf = login.path("CSRFPreventionToken").asText();
        String vm = "/nodes/" + node + "/qemu/" + vmid;
        JsonNode proxy = post(https, apiUrl + vm + "/termproxy", "serial=serial0", cookie, csrf);
        URI uri = URI.create(apiUrl.replaceFirst("^http", "ws") + vm + "/vncwebsocket?port="
                + proxy.path("port").asText() + "&vncticket=" + enc(proxy.path("ticket").asText()));
        DirectClient c = new DirectClient(https.newWebSocketBuilder().subprotocols("binary").header("Cookie", cookie)
                .connectTimeout(Duration.ofSeconds(10)), uri);
        c.socket.sendBinary(ByteBuffer.wrap((proxy.path("user").asText() + ":" + proxy.path("ticket").asText() + "\n")
                .getBytes(StandardCharsets.UTF_8)), true).join();
        c.screen.awaitText("OK", Typist.TIMEOUT);
        c.screen.awaitText("starting serial terminal on interface serial0\r\n", Typist.TIMEOUT);
        return c;
    }

    private static JsonNode post(HttpClient https, String url, String form, String cookie, String csrf)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            b.header("Cookie", cookie).header("CSRFPreventionToken", csrf);
        }
        HttpResponse<String> r = https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + url.replaceFirst("\\?.*", "") + " answered " + r.statusCode()
                    + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("data");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void type(byte[] keys) {
        byte[] head = ("0:" + keys.length + ":").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer frame = ByteBuffer.allocate(head.length + keys.length).put(head).put(keys).flip();
        socket.sendBinary(frame, true).join();
    }

    @Override
    public Screen screen() {
        return screen;
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            screen.append(data, System.nanoTime());
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already closed: abort below
        }
        socket.abort();
    }
}
