package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * fleetplane's settings file, {@code $XDG_CONFIG_HOME/fleetplane/config.toml} (default
 * {@code ~/.config/fleetplane/config.toml}): TOML tables whose keys are the {@code up} flags' names, e.g.
 * {@code [pve] url = "https://pve.lan:8006"} for {@code --pve-url}. Unknown keys are refused by name, so a typo never
 * silently falls back to a default. Secrets stay out of it: it names files holding them ({@code token-file}).
 */
final class ConfigFile {

    /** Every key the file may hold, dotted, with its TOML type. */
    static final Map<String, Kind> KEYS = keys();

    enum Kind { STRING, BOOLEAN, PORT }

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    static ConfigFile empty() {
        return new ConfigFile(null, Map.of());
    }

    /** The default location, honouring {@code XDG_CONFIG_HOME}. */
    static Path defaultLocation(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("fleetplane").resolve("config.toml");
    }

    /** Reads {@code file}; a missing file is empty unless it was named explicitly ({@code required}). */
    static ConfigFile read(Path file, boolean required) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new CliException("config file " + file + " does not exist");
            }
            return empty();
        } catch (IOException e) {
            throw new CliException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    static ConfigFile parse(Path file, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (IOException e) {
            throw new CliException("config file " + file + " is not valid TOML: " + firstLine(e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        flatten(file, "", root, values);
        return new ConfigFile(file, values);
    }

    private static void flatten(Path file, String prefix, JsonNode node, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(file, key + ".", v, out);
                continue;
            }
            Kind kind = KEYS.get(key);
            if (kind == null) {
                throw new CliException("config file " + file + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", KEYS.keySet()) + ")");
            }
            boolean ok = switch (kind) {
                case STRING -> v.isTextual();
                case BOOLEAN -> v.isBoolean();
                case PORT -> v.canConvertToInt() && v.asInt() >= 0 && v.asInt() <= 65535;
            };
            if (!ok) {
                throw new CliException("config file " + file + ": '" + key + "' must be " + switch (kind) {
                    case STRING -> "a string";
                    case BOOLEAN -> "true or false";
                    case PORT -> "a port number 0-65535";
                } + ", got " + v);
            }
            out.put(key, v.asText());
        }
    }

    Optional<String> get(String key) {
        if (!KEYS.containsKey(key)) {
            throw new IllegalArgumentException("not a config key: " + key);
        }
        return Optional.ofNullable(values.get(key));
    }

    /** How an error names a value that came from here, e.g. {@code pve.url in /root/.config/fleetplane/config.toml}. */
    String describe(String key) {
        return key + " in " + path;
    }

    Set<String> keysSet() {
        return values.keySet();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static Map<String, Kind> keys() {
        Map<String, Kind> k = new LinkedHashMap<>();
        k.put("state-dir", Kind.STRING);
        k.put("spec", Kind.STRING);
        k.put("api.token-file", Kind.STRING);
        k.put("pve.url", Kind.STRING);
        k.put("pve.token-file", Kind.STRING);
        k.put("pve.fingerprint", Kind.STRING);
        k.put("pve.ca-file", Kind.STRING);
        k.put("pve.insecure", Kind.BOOLEAN);
        k.put("pve.console-username", Kind.STRING);
        k.put("pve.console-password-file", Kind.STRING);
        k.put("ssh.identity", Kind.STRING);
        k.put("ssh.port", Kind.PORT);
        k.put("kafka.bootstrap-servers", Kind.STRING);
        k.put("postgres.jdbc-url", Kind.STRING);
        k.put("postgres.user", Kind.STRING);
        k.put("postgres.password-file", Kind.STRING);
        for (String s : FleetStack.SERVICES) {
            k.put("ports." + FleetStack.shortName(s), Kind.PORT);
        }
        k.put("ports.pve-simulator", Kind.PORT);
        return java.util.Collections.unmodifiableMap(k);
    }
}
