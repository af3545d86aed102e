package dev.fleetplane.provisioner.steps;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What to do with a freshly generated {@code hardware-configuration.nix} when fleetplane already keeps one for the
 * host: {@code keep} the stored one, {@code replace-if-changed}, or replace it {@code always}. Pure.
 */
public final class HardwareConfigPolicy {

    public static final List<String> POLICIES = List.of("keep", "replace-if-changed", "always");

    /** @param action {@code stored}, {@code unchanged}, {@code replaced} or {@code kept}; {@code store}: write it */
    public record Decision(String action, boolean store, String diff) {
    }

    private HardwareConfigPolicy() {
    }

    /** Checks a configured policy; the message names the setting. */
    public static String checked(String policy) {
        if (!POLICIES.contains(policy)) {
            throw new IllegalArgumentException("fleetplane.provisioner.hardware-config.policy = '" + policy
                    + "' is not one of " + POLICIES);
        }
        return policy;
    }

    public static Decision decide(String policy, Optional<String> stored, String generated, String host) {
        checked(policy);
        if (stored.isEmpty()) {
            return new Decision("stored", true, "");
        }
        if (stored.get().equals(generated)) {
            return new Decision("unchanged", policy.equals("always"), "");
        }
        String diff = diff(stored.get(), generated, host);
        return policy.equals("keep") ? new Decision("kept", false, diff) : new Decision("replaced", true, diff);
    }

    /** A unified diff as {@code git diff} would show it for {@code hosts/<host>/hardware-configuration.nix}. */
    static String diff(String before, String after, String host) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        Patch<String> patch = DiffUtils.diff(a, b);
        String file = "hosts/" + host + "/hardware-configuration.nix";
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("a/" + file, "b/" + file, a, patch, 3)) + "\n";
    }

    public static String sha256(String content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
