package dev.fleetplane.templates.saga;

import dev.fleetplane.events.templates.BuildTemplate;
import dev.fleetplane.templates.TemplatesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A BuildTemplate with the configured defaults filled in, and what is wrong with it (pure but for looking at the
 * recipe directory and the key files).
 */
public record BuildRequest(String template, String builtFrom, String route, String node, String storage,
                           int timeoutSeconds, String requestedBy) {

    /** Template names: a DNS label, so the probe's Proxmox name and the archive's file name stay valid. */
    private static final String NAME = "[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?";

    public static BuildRequest of(BuildTemplate cmd, TemplatesConfig config) {
        String from = cmd.flake() != null && !cmd.flake().isBlank() ? cmd.flake()
                : cmd.recipe() != null && !cmd.recipe().isBlank() ? cmd.recipe()
                : config.build().recipe().map(Path::toString).orElse(null);
        int timeout = cmd.timeoutSeconds() != null && cmd.timeoutSeconds() > 0 ? cmd.timeoutSeconds()
                : (int) config.build().timeout().toSeconds();
        return new BuildRequest(cmd.template(), from, blankOr(cmd.route(), config.route()),
                blankOr(cmd.node(), config.node()), blankOr(cmd.storage(), config.storage()), timeout,
                cmd.requestedBy());
    }

    public List<String> problems(TemplatesConfig config) {
        List<String> p = new ArrayList<>();
        if (template == null || !template.matches(NAME)) {
            p.add("template must be a DNS label of at most 32 characters (a-z, 0-9, '-'), got "
                    + (template == null ? "none" : "'" + template + "'"));
        }
        if (!Build.SFTP.equals(route) && !Build.API.equals(route)) {
            p.add("route must be sftp or api, got '" + route + "'");
        }
        if (builtFrom == null) {
            p.add("neither recipe nor flake given, and no fleetplane.templates.build.recipe configured");
        } else if (!builtFrom.contains("#") && !Files.isDirectory(Path.of(builtFrom))) {
            p.add("recipe " + builtFrom + " is not a directory here (a flake reference needs '#')");
        }
        if (!node.matches("[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?")) {
            p.add("node '" + node + "' is no node name");
        }
        if (!storage.matches("[a-zA-Z][a-zA-Z0-9\\-_.]*")) {
            p.add("storage '" + storage + "' is no storage id");
        }
        if (Build.SFTP.equals(route)) {
            TemplatesConfig.NodeSsh n = config.nodeSsh();
            List<String> missing = new ArrayList<>();
            if (n.host().isEmpty()) {
                missing.add("fleetplane.templates.node-ssh.host");
            }
            if (n.identityFile().isEmpty() || !Files.isReadable(n.identityFile().get())) {
                missing.add("fleetplane.templates.node-ssh.identity-file (a readable key)");
            }
            if (n.hostKeyFingerprint().isEmpty()) {
                missing.add("fleetplane.templates.node-ssh.host-key-fingerprint");
            }
            if (!missing.isEmpty()) {
                p.add("the sftp route copies the archive to the node over SSH and needs " + String.join(", ", missing)
                        + " (or use --route api)");
            }
        }
        if (config.smoke().identityFile().isEmpty()) {
            p.add("the smoke test logs in with the fleet key: set fleetplane.templates.smoke.identity-file");
        }
        return p;
    }

    public Build toBuild(String buildId, Instant now) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, BuildState.BUILDING,
                null, null, null, null, false, null, null, null, false, null, null, 0, false, null, null, null, null,
                null, requestedBy, now);
    }

    private static String blankOr(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
