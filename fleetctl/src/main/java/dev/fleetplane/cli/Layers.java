package dev.fleetplane.cli;

import java.util.Map;
import java.util.Optional;

/**
 * Where a setting of {@code up} comes from, first match: the flag, the environment, the config file. A flag typed now
 * is the most specific wish, so it wins over a variable exported earlier, which wins over the file (as with tofu's
 * {@code -var} over {@code TF_VAR_*}). Each value remembers its source, so an error names where the bad value was.
 */
final class Layers {

    /** A value and where it came from ({@code --pve-url}, {@code PVE_URL}, {@code pve.url in ~/.config/…}). */
    record Sourced(String value, String source) {
    }

    private final Map<String, String> env;
    private final ConfigFile file;

    Layers(Map<String, String> env, ConfigFile file) {
        this.env = env;
        this.file = file;
    }

    /**
     * @param flag      the flag's value, null when not given
     * @param flagName  e.g. {@code --pve-url}
     * @param envName   the environment variable, or null when the setting has none
     * @param configKey the config file key, or null when the setting has none
     */
    Optional<Sourced> pick(String flag, String flagName, String envName, String configKey) {
        if (flag != null && !flag.isBlank()) {
            return Optional.of(new Sourced(flag.strip(), flagName));
        }
        if (envName != null) {
            String v = env.get(envName);
            if (v != null && !v.isBlank()) {
                return Optional.of(new Sourced(v.strip(), envName));
            }
        }
        if (configKey != null) {
            return file.get(configKey).filter(v -> !v.isBlank()).map(v -> new Sourced(v.strip(), file.describe(configKey)));
        }
        return Optional.empty();
    }

    /** A switch: true if the flag is set, else the environment ({@code true}/{@code 1}), else the file. */
    boolean flag(boolean flag, String envName, String configKey) {
        if (flag) {
            return true;
        }
        String v = envName == null ? null : env.get(envName);
        if (v != null && !v.isBlank()) {
            return v.strip().equalsIgnoreCase("true") || v.strip().equals("1");
        }
        return configKey != null && file.get(configKey).map(Boolean::parseBoolean).orElse(false);
    }

    /** A port: the flag when it differs from its default, else the file, else the default. */
    int port(int flag, int defaultValue, String configKey) {
        if (flag != defaultValue) {
            return flag;
        }
        return file.get(configKey).map(Integer::parseInt).orElse(defaultValue);
    }

    Map<String, String> env() {
        return env;
    }
}
