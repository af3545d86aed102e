package dev.fleetplane.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Proxmox API token as operators copy it from the web UI, {@code user@realm!tokenid=secret}. Messages name the
 * token id at most; the secret is never echoed ({@link #toString()} hides it too).
 */
record PveToken(String id, String secret) {

    /** The environment variable read when {@code --token} is absent, so the secret need not be on the command line. */
    static final String ENV = "PVE_TOKEN";

    private static final Pattern ID = Pattern.compile("[^@!=\\s]+@[^@!=\\s]+![A-Za-z][A-Za-z0-9._-]*");

    /** The token from {@code --token}, else from {@code PVE_TOKEN}; {@code source} names where it came from in errors. */
    static PveToken resolve(String option, Map<String, String> env) {
        if (option != null) {
            return parse(option, "--token");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return parse(fromEnv, ENV);
        }
        throw new CliException("no Proxmox API token: pass --token user@realm!tokenid=secret or set " + ENV);
    }

    /** The token in {@code file} (its first line), which must be readable by its owner only. */
    static PveToken fromFile(Path file, String source) {
        return parse(SecretFile.read(file, source, "user@realm!tokenid=secret"), source + " " + file);
    }

    static PveToken parse(String value, String source) {
        String v = value.strip();
        int eq = v.indexOf('=');
        if (eq < 0) {
            // Without '=' the value may be the bare secret: do not echo any of it.
            throw new CliException(source + " must read user@realm!tokenid=secret (e.g. root@pam!fleetplane=<uuid>),"
                    + " but it has no '=' before the secret");
        }
        String id = v.substring(0, eq);
        String secret = v.substring(eq + 1);
        if (!ID.matcher(id).matches()) {
            throw new CliException(source + " token id '" + id + "' must read user@realm!tokenid"
                    + " (e.g. root@pam!fleetplane)");
        }
        if (secret.isBlank()) {
            throw new CliException(source + " has no secret after '" + id + "='");
        }
        return new PveToken(id, secret);
    }

    @Override
    public String toString() {
        return "PveToken[" + id + "]";
    }
}
