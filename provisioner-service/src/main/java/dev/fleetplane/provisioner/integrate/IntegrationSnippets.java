package dev.fleetplane.provisioner.integrate;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The change a user commits to integrate a host (what {@code fleetplane integrate HOST} prints): the host's
 * {@code publicKey} for hosts.nix and its age recipient for {@code .sops.yaml}, in the layout the sops-nix README uses
 * ({@code keys:} with one YAML anchor per machine, referenced from {@code creation_rules[].key_groups[].age}).
 *
 * @param host      the host's attribute name in hosts.nix
 * @param hostKey   its {@code /etc/ssh/ssh_host_ed25519_key.pub}
 * @param recipient the age recipient derived from {@code hostKey}
 */
public record IntegrationSnippets(String host, Ed25519HostKey hostKey, AgeRecipient recipient) {

    /** A Nix identifier (the Nix manual's ID token); anything else must be a quoted attribute name. */
    private static final Pattern NIX_IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_'-]*");
    private static final Set<String> NIX_KEYWORDS =
            Set.of("if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or");

    public IntegrationSnippets {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("integration needs the host's name, got none");
        }
        if (hostKey == null || recipient == null) {
            throw new IllegalArgumentException("integration of host '" + host + "' needs its host key and age recipient");
        }
    }

    /** Parses the guest's public key line and derives the recipient; see {@link Ed25519HostKey#parse}. */
    public static IntegrationSnippets of(String host, String publicKeyLine) {
        Ed25519HostKey key;
        try {
            key = Ed25519HostKey.parse(publicKeyLine);
        } catch (HostKeyFormatException e) {
            throw new HostKeyFormatException("host " + host + ": /etc/ssh/ssh_host_ed25519_key.pub: " + e.getMessage());
        }
        try {
            return new IntegrationSnippets(host, key, AgeRecipient.of(key));
        } catch (HostKeyFormatException e) {
            throw new HostKeyFormatException("host " + host + ": /etc/ssh/ssh_host_ed25519_key.pub: " + e.getMessage());
        }
    }

    /** The line to put inside the host's attribute set: {@code publicKey = "ssh-ed25519 AAAA…";}. */
    public String hostsNixLine() {
        return "publicKey = " + nixString(hostKey.publicKeyLine()) + ";";
    }

    /** Where that line lands, as an attribute path of hosts.nix's top-level set ({@code web.publicKey}). */
    public String hostsNixAttrPath() {
        return nixAttrName(host) + ".publicKey";
    }

    /** The YAML anchor naming this host's recipient in {@code .sops.yaml} ({@code host_web}). */
    public String sopsAnchor() {
        return "host_" + host.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** The entry to add under {@code keys:} in {@code .sops.yaml}: {@code   - &host_web age1…}. */
    public String sopsKeyLine() {
        return "  - &" + sopsAnchor() + " " + recipient.value();
    }

    /** The reference to add to the {@code age:} list of each creation rule whose secrets the host must read. */
    public String sopsKeyGroupLine() {
        return "          - *" + sopsAnchor();
    }

    /** Everything {@code fleetplane integrate HOST} prints, ready to paste. */
    public String render() {
        return """
                # hosts.nix: in the attribute set of host %1$s (%2$s)
                    %3$s

                # .sops.yaml: under keys:
                %4$s
                # and in every creation_rules entry whose secrets %1$s must read:
                #   creation_rules:
                #     - path_regex: ...
                #       key_groups:
                #         - age:
                %5$s
                # then re-encrypt those files: sops updatekeys <file>
                """.formatted(host, hostsNixAttrPath(), hostsNixLine(), sopsKeyLine(), sopsKeyGroupLine());
    }

    /** {@code name} as a Nix attribute name: bare if it is an identifier and no keyword, else quoted. */
    static String nixAttrName(String name) {
        if (NIX_IDENTIFIER.matcher(name).matches() && !NIX_KEYWORDS.contains(name)) {
            return name;
        }
        return nixString(name);
    }

    /** A double-quoted Nix string; {@code \}, {@code "} and the interpolation opener {@code ${} are escaped. */
    static String nixString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '$' -> out.append(i + 1 < s.length() && s.charAt(i + 1) == '{' ? "\\$" : "$");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
