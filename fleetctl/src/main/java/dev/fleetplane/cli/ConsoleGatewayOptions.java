package dev.fleetplane.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the console gateway is and the operator's token, shared by {@code console HOST} and {@code console sessions}.
 * The token is never an argument (it would be in {@code ps} and the shell's history): {@code --token-file}, else
 * {@code FLEETPLANE_CONSOLE_TOKEN}, else the file {@code up} writes ({@code $FLEETPLANE_HOME/console-token}).
 */
final class ConsoleGatewayOptions {

    static final String TOKEN_ENV = "FLEETPLANE_CONSOLE_TOKEN";

    @Option(names = {"--gateway", "--console-gateway"}, paramLabel = "URL",
            description = "the console gateway (default: FLEETPLANE_CONSOLE_GATEWAY_URL, else the running stack's)")
    String gateway;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "a file (mode 600) holding the operator's console token (default: " + TOKEN_ENV
                    + ", else $FLEETPLANE_HOME/console-token written by `fleetplane up`)")
    Path tokenFile;

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:8085}. */
    String baseUrl() {
        String url = StackFile.serviceUrl("console-gateway", "console-gateway", gateway);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code ws://…/console/ws/<host>} ({@code wss} for an https gateway). */
    static URI socketUri(String baseUrl, String host) {
        URI base = URI.create(baseUrl);
        String scheme = switch (String.valueOf(base.getScheme())) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new CliException("--gateway must be an http:// or https:// URL, got '" + baseUrl + "'");
        };
        return URI.create(scheme + baseUrl.substring(baseUrl.indexOf(':')) + "/console/ws/"
                + URLEncoder.encode(host, StandardCharsets.UTF_8));
    }

    /** The operator's token; a missing one names the three places it may come from. */
    String token(Map<String, String> env) {
        if (tokenFile != null) {
            return SecretFile.read(tokenFile, "--token-file", "the console token");
        }
        String fromEnv = env.get(TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        Path stackToken = StackFile.home().resolve(FleetStack.CONSOLE_TOKEN_FILE);
        if (Files.exists(stackToken)) {
            return SecretFile.read(stackToken, "the local stack's console token", "the console token");
        }
        throw new CliException("no console token: pass --token-file FILE, set " + TOKEN_ENV + ", or run `./fleetplane"
                + " up`, which writes one to " + stackToken);
    }
}
