package dev.fleetplane.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer token the CLI sends to every fleetplane service (docs/access.md). Never an argument (it would be in
 * {@code ps} and the shell's history); first match: {@code fleetplane --token-file FILE …}, environment
 * {@value #ENV}, {@code api.token-file} in the config file, the operator token {@code up} writes
 * ({@code $FLEETPLANE_HOME/}{@value FleetStack#OPERATOR_TOKEN_FILE}). None: requests go without one, and the services'
 * 401 says so.
 */
final class ApiToken {

    static final String ENV = "FLEETPLANE_TOKEN";

    /** A token and where it came from (what a 401 or 403 names; never the token). */
    record Found(String token, String source) {
        @Override
        public String toString() {
            return "ApiToken[" + source + "]";
        }
    }

    /** {@code --token-file} of this run (set by {@link FleetctlMain}, cleared with each new command line). */
    private static volatile Path explicitFile;

    private ApiToken() {
    }

    static void useFile(Path file) {
        explicitFile = file;
    }

    static void reset() {
        explicitFile = null;
    }

    /** The token of this run, from the first source that has one. */
    static Optional<Found> resolve(Map<String, String> env) {
        Path file = explicitFile;
        if (file != null) {
            return Optional.of(new Found(SecretFile.read(file, "--token-file", "the fleetplane API token"),
                    "--token-file " + file));
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Found(fromEnv.strip(), ENV));
        }
        ConfigFile config = ConfigFile.read(ConfigFile.defaultLocation(env), false);
        Optional<String> configured = config.get("api.token-file");
        if (configured.isPresent()) {
            String source = config.describe("api.token-file");
            return Optional.of(new Found(SecretFile.read(Path.of(configured.get()), source, "the fleetplane API token"),
                    source));
        }
        Path up = StackFile.home().resolve(FleetStack.OPERATOR_TOKEN_FILE);
        if (Files.exists(up)) {
            return Optional.of(new Found(SecretFile.read(up, "the operator token of `fleetplane up`",
                    "the fleetplane API token"), up.toString()));
        }
        return Optional.empty();
    }

    /** Words for a refusal: where a token may come from, or which one was sent. */
    static String hint(int status, Optional<Found> sent) {
        if (status == 401 && sent.isEmpty()) {
            return "no token was sent: use `fleetplane --token-file FILE …`, set " + ENV + ", set api.token-file in "
                    + "the config file, or run `fleetplane up`, which writes " + StackFile.home().resolve(
                    FleetStack.OPERATOR_TOKEN_FILE);
        }
        if (status == 401) {
            return "the token from " + sent.get().source() + " was refused";
        }
        return "the token from " + sent.get().source() + " lacks that role (docs/access.md)";
    }
}
