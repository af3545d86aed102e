package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.cli.console.GatewaySocket;
import dev.fleetplane.cli.console.SessionView;
import dev.fleetplane.cli.console.Terminal;
import dev.fleetplane.cli.console.TerminalState;
import dev.fleetplane.cli.console.TypedInput;
import dev.fleetplane.cli.console.WindowWatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetplane console HOST}: the VM's serial console in this terminal, through the console gateway's
 * WebSocket ({@code /console/ws/HOST}). The terminal is raw while connected and restored on every way out (Ctrl-],
 * the gateway closing, an error, SIGINT/SIGTERM through a shutdown hook); window-size changes are forwarded
 * (SIGWINCH). With stdin not a terminal (a pipe), nothing is switched: bytes go as they are read, and the console is
 * left once stdin ended and the output has been quiet for {@code --quiet-after-eof}.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Open HOST's serial console through the console gateway (raw terminal; Ctrl-] leaves).",
                "`console sessions` lists the sessions the gateway recorded."},
        subcommands = {ConsoleCommand.Sessions.class})
final class ConsoleCommand implements Callable<Integer> {

    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9-]{0,62}");
    private static final Duration PING_EVERY = Duration.ofSeconds(30);

    @Parameters(arity = "0..1", paramLabel = "HOST", description = "the host (VM name) whose serial console to open")
    String host;
    @Option(names = "--read-only", description = "watch only: never type, give the keyboard back if handed it")
    boolean readOnly;
    @Option(names = "--take", description = "take the keyboard from whoever has it (needs write access)")
    boolean take;
    @Option(names = "--connect-timeout", defaultValue = "PT30S",
            description = "how long the gateway may take to open the VM's line (default ${DEFAULT-VALUE})")
    Duration connectTimeout;
    @Option(names = "--quiet-after-eof", defaultValue = "PT1S",
            description = "stdin not a terminal: after it ends, leave once the output was quiet this long"
                    + " (default ${DEFAULT-VALUE})")
    Duration quietAfterEof;
    @Mixin
    ConsoleGatewayOptions gateway = new ConsoleGatewayOptions();

    /** The environment the token is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        if (host == null) {
            throw new CliException("name the host whose console to open: fleetplane console HOST"
                    + " (or `fleetplane console sessions` for the recorded sessions)");
        }
        if (!HOST.matcher(host).matches()) {
            throw new CliException("'" + host + "' is not a host name (letters, digits and '-', at most 63)");
        }
        if (readOnly && take) {
            throw new CliException("--read-only and --take exclude each other: watch, or take the keyboard");
        }
        URI uri = ConsoleGatewayOptions.socketUri(gateway.baseUrl(), host);
        String token = gateway.token(env);
        Optional<Terminal> terminal = Terminal.onStdin();
        if (terminal.isEmpty()) {
            System.err.println("fleetplane: stdin is not a terminal: no raw mode; input is sent as it is read"
                    + " (a 0x1d byte still leaves)");
        }
        Optional<TerminalState.WindowSize> size = terminal.isPresent() ? terminal.get().size() : Optional.empty();
        return new Session(host, terminal.orElse(null), readOnly ? SessionView.Mode.READ_ONLY
                : take ? SessionView.Mode.TAKE : SessionView.Mode.DEFAULT, System.out, System.err)
                .run(uri, token, size.orElse(null), connectTimeout, quietAfterEof, System.in);
    }

    /** One connection: the socket, the terminal, the notices; everything it starts it stops. */
    private static final class Session implements GatewaySocket.Events {
        private final String host;
        private final Terminal terminal;
        private final SessionView view;
        private final boolean readOnly;
        private final PrintStream out;
        private final PrintStream err;
        private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        private final AtomicReference<GatewaySocket> socket = new AtomicReference<>();
        private final AtomicBoolean left = new AtomicBoolean();
        private final AtomicLong lastOutput = new AtomicLong(System.nanoTime());
        // Lines that arrive before raw mode is on (the banner) wait for it: whoever sees the banner may type.
        private final java.util.List<String> held = new java.util.ArrayList<>();
        private boolean live;

        Session(String host, Terminal terminal, SessionView.Mode mode, PrintStream out, PrintStream err) {
            this.host = host;
            this.terminal = terminal;
            this.view = new SessionView(mode);
            this.readOnly = mode == SessionView.Mode.READ_ONLY;
            this.out = out;
            this.err = err;
        }

        int run(URI uri, String token, TerminalState.WindowSize size, Duration connectTimeout, Duration quietAfterEof,
                InputStream in) throws Exception {
            GatewaySocket ws;
            try {
                ws = GatewaySocket.open(uri, Duration.ofSeconds(10), this);
            } catch (IOException e) {
                throw new CliException(e.getMessage() + " (is `./fleetplane up` running, or is --gateway right?)", e);
            }
            socket.set(ws);
            ws.sendText(SessionView.auth(token, size));
            Optional<GatewaySocket.Ended> early = awaitWelcome(ws, connectTimeout);
            if (early.isPresent()) {
                goLive();
                err.println("fleetplane: " + describe(early.get()));
                return 1;
            }
            Thread restoreOnExit = new Thread(() -> {
                restoreTerminal();
                ws.abort();
            }, "console-restore-terminal");
            Runtime.getRuntime().addShutdownHook(restoreOnExit);
            ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "console-ping"));
            WindowWatch watch = null;
            try {
                if (terminal != null) {
                    terminal.raw();
                    watch = WindowWatch.start(this::sendSize, this::notice);
                }
                goLive();
                pinger.scheduleAtFixedRate(() -> ws.sendText(SessionView.message("ping")), PING_EVERY.toMillis(),
                        PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                daemon(() -> pump(in, ws, quietAfterEof), "console-stdin").start();
                GatewaySocket.Ended end = ws.closed().get();
                restoreTerminal();
                // The VM's prompt may have left the cursor mid-line: the last words start on a line of their own.
                if (left.get()) {
                    err.println(System.lineSeparator() + "left the console of " + host);
                    return 0;
                }
                err.println(System.lineSeparator() + "fleetplane: " + describe(end));
                return 1;
            } finally {
                if (watch != null) {
                    watch.close();
                }
                pinger.shutdownNow();
                restoreTerminal();
                ws.abort();
                try {
                    Runtime.getRuntime().removeShutdownHook(restoreOnExit);
                } catch (IllegalStateException stopping) {
                    // the JVM is shutting down: the hook restores the terminal itself
                }
            }
        }

        /** Empty once welcomed; the way the connection ended when the gateway closed it first. */
        private Optional<GatewaySocket.Ended> awaitWelcome(GatewaySocket ws, Duration timeout) throws Exception {
            try {
                CompletableFuture.anyOf(welcomed, ws.closed()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                goLive();
                ws.leave(Duration.ofSeconds(2));
                throw new CliException("the console gateway did not open " + host + "'s console within " + timeout
                        + " (--connect-timeout)");
            } catch (ExecutionException e) {
                goLive();
                throw new CliException("the connection to the console gateway failed: " + e.getCause());
            }
            return welcomed.isDone() ? Optional.empty() : Optional.of(ws.closed().get());
        }

        /** stdin to the gateway until Ctrl-], or until stdin ends and the output went quiet. */
        private void pump(InputStream in, GatewaySocket ws, Duration quietAfterEof) {
            TypedInput input = new TypedInput();
            byte[] buffer = new byte[TypedInput.MAX_CHUNK];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    TypedInput.Scan scan = input.read(buffer, 0, n);
                    if (!readOnly) {
                        for (byte[] chunk : scan.send()) {
                            ws.sendBinary(chunk).get(); // one outstanding send: a paste waits for the network
                        }
                    }
                    if (scan.leave()) {
                        leave(ws);
                        return;
                    }
                }
                long quiet = quietAfterEof.toNanos();
                while (!ws.closed().isDone() && System.nanoTime() - lastOutput.get() < quiet) {
                    Thread.sleep(Math.max(1, quiet / 10 / 1_000_000));
                }
                leave(ws);
            } catch (IOException | ExecutionException e) {
                if (!ws.closed().isDone()) {
                    notice("console input failed: " + e.getMessage());
                    leave(ws);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void leave(GatewaySocket ws) {
            left.set(true);
            ws.leave(Duration.ofSeconds(2));
        }

        private void sendSize() {
            try {
                terminal.size().ifPresent(s -> socket.get().sendText(SessionView.resize(s)));
            } catch (IOException | RuntimeException e) {
                notice("window size not sent: " + e.getMessage());
            }
        }

        @Override
        public void output(ByteBuffer bytes) {
            lastOutput.set(System.nanoTime());
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            synchronized (out) {
                out.write(b, 0, b.length);
                out.flush();
            }
        }

        @Override
        public void control(String text) {
            SessionView.Reaction r;
            synchronized (view) {
                r = view.on(text);
            }
            r.notices().forEach(this::notice);
            r.replies().forEach(m -> socket.get().sendText(m));
            if (view.welcomed()) {
                welcomed.complete(null);
            }
        }

        private void goLive() {
            synchronized (out) {
                live = true;
                held.forEach(this::notice);
                held.clear();
            }
        }

        /** One line on stderr; in raw mode the terminal adds no carriage return, so the line brings its own. */
        private void notice(String line) {
            boolean raw = terminal != null && terminal.isRaw();
            synchronized (out) {
                if (!live) {
                    held.add(line);
                    return;
                }
                out.flush();
                err.print(raw ? "\r\n" + line + "\r\n" : line + System.lineSeparator());
                err.flush();
            }
        }

        private void restoreTerminal() {
            if (terminal == null) {
                return;
            }
            try {
                terminal.restore();
            } catch (IOException e) {
                err.println("fleetplane: " + e.getMessage());
            }
        }

        private String describe(GatewaySocket.Ended end) {
            if (end.error() != null) {
                return "console closed: the connection to the gateway failed: " + end.error();
            }
            return SessionView.closed(end.code(), end.reason(), host);
        }

        private static Thread daemon(Runnable r, String name) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }
    }

    /** {@code fleetplane console sessions}: the gateway's record of viewer sessions, newest first. */
    @Command(name = "sessions", mixinStandardHelpOptions = true,
            description = "The console sessions the gateway recorded, newest first: who, which host, from where, how"
                    + " long, bytes each way, when they had the keyboard, why they closed.")
    static final class Sessions implements Callable<Integer> {
        @Mixin
        ConsoleGatewayOptions gateway = new ConsoleGatewayOptions();
        @Option(names = "--host", paramLabel = "HOST", description = "only this host's sessions")
        String host;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "at most N (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--json", description = "the gateway's JSON as it is")
        boolean json;

        Map<String, String> env = System.getenv();

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new CliException("--limit must be at least 1, got " + limit);
            }
            StringJoiner query = new StringJoiner("&", "?", "");
            if (host != null) {
                query.add("host=" + URLEncoder.encode(host, StandardCharsets.UTF_8));
            }
            query.add("limit=" + limit);
            ServiceApi api = new ServiceApi("console gateway", gateway.baseUrl());
            JsonNode sessions = api.get("/console/sessions" + query, Map.of("Authorization", "Bearer "
                    + gateway.token(env)));
            if (json) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(sessions));
            } else {
                System.out.print(ConsoleSessionsTable.render(sessions, Instant.now()));
            }
            return 0;
        }
    }
}
