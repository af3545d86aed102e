package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.cli.hostsfile.FileChange;
import dev.fleetplane.cli.hostsfile.NixText;
import dev.fleetplane.cli.hostsfile.PublicKeyEdit;
import dev.fleetplane.cli.hostsfile.SopsRecipientEdit;
import dev.fleetplane.plancore.spec.NixEvaluationException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplane integrate HOST}: what a user commits for a provisioned host, the {@code publicKey} line for
 * hosts.nix and the age recipient for {@code .sops.yaml} (then {@code sops updatekeys} re-encrypts the secrets).
 * With {@code --write} the same change as a reviewed patch of both files: printed as a unified diff, written only
 * with {@code --yes}, and empty when the files have it already.
 */
@Command(name = "integrate", mixinStandardHelpOptions = true,
        description = "Print (or, with --write, apply) the hosts.nix and .sops.yaml change for a provisioned host's"
                + " SSH host key.")
final class IntegrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "HOST", description = "the host name, as in hosts.nix")
    String host;

    @Option(names = "--provisioner", description = "provisioner URL (default: the running `up` stack)")
    String provisioner;

    @Option(names = "--hardware-config", description = "print the host's hardware-configuration.nix instead")
    boolean hardwareConfig;

    @Option(names = "--json", description = "print the provisioner's JSON")
    boolean json;

    @Option(names = "--write", description = "show the change of hosts.nix and .sops.yaml as a diff (written with --yes)")
    boolean write;

    @Option(names = "--yes", description = "with --write: write the change")
    boolean yes;

    @Option(names = "--spec", paramLabel = "FILE", defaultValue = "hosts.nix",
            description = "the hosts file to change (default: ${DEFAULT-VALUE})")
    Path specFile;

    @Option(names = "--sops", paramLabel = "FILE", description = "the sops configuration (default: .sops.yaml beside the hosts file)")
    Path sopsFile;

    @Option(names = "--updatekeys", description = "with --write --yes: run `sops updatekeys` on the secrets the changed"
            + " creation rules match")
    boolean updateKeys;

    @Option(names = "--fleet", description = "the host's fleet (default: any fleet that has it)")
    String fleet;

    @Option(names = "--planner", description = "planner URL (default: the running `up` stack)")
    String planner;

    @Option(names = "--nix-timeout", defaultValue = "PT30S", description = "how long Nix may evaluate (default ${DEFAULT-VALUE})")
    Duration nixTimeout;

    /** Where {@code sops} is looked for; tests point it elsewhere. */
    String searchPath = System.getenv("PATH");

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        if (!write && (yes || updateKeys || sopsFile != null)) {
            throw new CliException("--yes, --updatekeys and --sops go with --write: fleetplane integrate " + host
                    + " --write --yes");
        }
        if (write && (json || hardwareConfig)) {
            throw new CliException("--write changes files; --json and --hardware-config only print: use one or the other");
        }
        if (write) {
            return write(out);
        }
        JsonNode view = new ServiceApi("provisioner", StackFile.provisionerUrl(provisioner))
                .get("/sagas/" + PathSegment.encode(host) + "/integration");
        if (json) {
            out.println(view.toPrettyString());
        } else if (hardwareConfig) {
            if (view.path("hardwareConfig").isNull() || view.path("hardwareConfig").isMissingNode()) {
                throw new CliException("no hardware configuration kept for " + host);
            }
            out.print(view.path("hardwareConfig").asText());
        } else {
            out.print(render(view));
        }
        out.flush();
        return 0;
    }

    private int write(PrintWriter out) {
        requireReady();
        JsonNode view = new ServiceApi("provisioner", StackFile.provisionerUrl(provisioner))
                .get("/sagas/" + PathSegment.encode(host) + "/integration");
        String publicKey = committedKey(view.path("publicKey").asText(""));
        String recipient = view.path("ageRecipient").asText("");
        if (publicKey.isEmpty() || !recipient.startsWith("age1")) {
            throw new CliException("the provisioner has no host key or age recipient for " + host
                    + " (fleetplane integrate " + host + " --json shows what it has)");
        }

        String hostsText = read(specFile, "hosts file", "pass --spec FILE");
        NixText nix;
        PublicKeyEdit.Result keyEdit;
        Set<String> hosts = new LinkedHashSet<>();
        try {
            nix = NixText.of(hostsText);
            keyEdit = PublicKeyEdit.of(nix, specFile.toString(), host, publicKey);
            nix.topLevelBindings().stream().map(NixText.Binding::name).filter(n -> !n.startsWith("_"))
                    .forEach(hosts::add);
        } catch (NixText.UnreadableException e) {
            throw new CliException(specFile + ": " + e.getMessage());
        }
        if (keyEdit instanceof PublicKeyEdit.Refused r) {
            throw new CliException(r.problem());
        }
        FileChange hostsChange = FileChange.of(specFile.getFileName().toString(), hostsText,
                ((PublicKeyEdit.Edit) keyEdit).edits());

        Path sops = sopsFile != null ? sopsFile : specFile.toAbsolutePath().resolveSibling(".sops.yaml");
        FileChange sopsChange = null;
        SopsRecipientEdit.Edit sopsEdit = null;
        if (Files.exists(sops)) {
            String sopsText = read(sops, "sops configuration", "pass --sops FILE");
            SopsRecipientEdit.Result r = SopsRecipientEdit.of(sopsText, sops.toString(), host, hosts, recipient);
            if (r instanceof SopsRecipientEdit.Refused refused) {
                throw new CliException(refused.problem());
            }
            sopsEdit = (SopsRecipientEdit.Edit) r;
            sopsChange = FileChange.of(sops.getFileName().toString(), sopsText, sopsEdit.edits());
        } else if (sopsFile != null) {
            throw new CliException("sops configuration " + sops + " does not exist (pass the right --sops FILE, or"
                    + " leave --sops out to change only " + specFile + ")");
        }

        if (hostsChange.changes()) {
            checkEvaluates(hostsChange.after(), publicKey);
            out.print(hostsChange.diff());
        }
        if (sopsChange != null && sopsChange.changes()) {
            out.print(sopsChange.diff());
        }
        if (sopsEdit != null) {
            sopsEdit.notes().forEach(n -> out.println("note: " + n));
        } else {
            out.println("note: no .sops.yaml beside " + specFile + ": only the hosts file changes (--sops FILE names one)");
        }
        List<String> secrets = sopsEdit == null ? List.of()
                : SecretFiles.matching(sops.toAbsolutePath().getParent(), sopsEdit.rules());
        boolean changes = hostsChange.changes() || (sopsChange != null && sopsChange.changes());
        if (!changes) {
            out.println(host + " is already integrated: " + specFile + (sopsEdit != null ? " and " + sops : "")
                    + " have its key; nothing to change");
        } else if (!yes) {
            out.println("review the change above; apply it with: fleetplane integrate " + host + " --write --yes"
                    + (updateKeys ? " --updatekeys" : ""));
            out.flush();
            return 0;
        } else {
            if (hostsChange.changes()) {
                NewCommand.replace(specFile, hostsChange.before(), hostsChange.after(), "fleetplane integrate");
                out.println("wrote " + specFile);
            }
            if (sopsChange != null && sopsChange.changes()) {
                NewCommand.replace(sops, sopsChange.before(), sopsChange.after(), "fleetplane integrate");
                out.println("wrote " + sops);
            }
        }
        out.flush();
        if (sopsEdit == null) {
            return 0;
        }
        return reencrypt(out, sops.toAbsolutePath().getParent(), secrets, changes);
    }

    /** {@code sops updatekeys} on the matched secrets with --updatekeys; else says what to run. */
    private int reencrypt(PrintWriter out, Path dir, List<String> secrets, boolean changed) {
        if (secrets.isEmpty()) {
            if (changed || updateKeys) {
                out.println("no sops-encrypted file under " + dir + " matches those creation rules: nothing to re-encrypt");
            }
            return 0;
        }
        String commandLine = "(cd " + dir + " && sops updatekeys -y " + String.join(" ", secrets) + ")";
        if (!updateKeys || !yes) {
            if (changed) {
                out.println("then re-encrypt the secrets " + host + " must read: " + commandLine
                        + " (or add --updatekeys)");
            }
            return 0;
        }
        String sops = onPath("sops");
        if (sops == null) {
            command.commandLine().getErr().println("fleetplane: sops is not on the PATH, so nothing was re-encrypted:"
                    + " install it (https://github.com/getsops/sops) and run " + commandLine);
            return 1;
        }
        for (String file : secrets) {
            runSops(out, sops, dir, file);
        }
        return 0;
    }

    private void runSops(PrintWriter out, String sops, Path dir, String file) {
        try {
            Process p = new ProcessBuilder(sops, "updatekeys", "-y", file).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new CliException("sops updatekeys " + file + " did not finish within 2 minutes; run it by hand in " + dir);
            }
            if (p.exitValue() != 0) {
                throw new CliException("sops updatekeys " + file + " failed (exit " + p.exitValue() + "): "
                        + output.strip().lines().reduce((a, b) -> b).orElse("no output")
                        + " — run it by hand in " + dir + " to see why");
            }
            out.println("re-encrypted " + file + " (sops updatekeys)");
        } catch (IOException e) {
            throw new CliException("cannot run " + sops + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    /** The host must be one the planner knows and has brought to Ready (its key is found at the end of that). */
    private void requireReady() {
        JsonNode rows = new ServiceApi(StackFile.plannerUrl(planner)).hosts();
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode h : rows) {
            if (host.equals(h.path("host").asText()) && (fleet == null || fleet.equals(h.path("fleet").asText()))) {
                mine.add(h);
            }
        }
        if (mine.isEmpty()) {
            throw new CliException("host " + host + " is unknown to the planner" + (fleet == null ? "" : " in fleet " + fleet)
                    + ": push " + specFile + " with it and apply the plan first (fleetplane push " + specFile + ")");
        }
        JsonNode h = mine.stream().filter(r -> "Ready".equals(r.path("state").asText())).findFirst().orElse(mine.get(0));
        String state = h.path("state").asText();
        if ("Adopted".equals(state)) {
            throw new CliException("host " + host + " was adopted, not provisioned by fleetplane, so no host key was"
                    + " discovered: add its publicKey to " + specFile + " by hand (ssh-keyscan -t ed25519 ADDRESS)");
        }
        if (!"Ready".equals(state)) {
            throw new CliException("host " + host + " is " + state + ", not Ready: its host key is discovered when"
                    + " provisioning finishes; wait until `fleetplane status` shows it Ready"
                    + ("Failed".equals(state) ? " (fleetplane retry " + host + ")" : ""));
        }
    }

    /** The edited file must still evaluate, with exactly this key at HOST.publicKey. */
    private void checkEvaluates(String text, String publicKey) {
        JsonNode tree;
        try {
            tree = HostsFile.evaluate(specFile, text, nixTimeout);
        } catch (NixEvaluationException e) {
            throw new CliException("not changed: " + specFile + " with the key added does not evaluate ("
                    + e.getMessage().strip() + "); add publicKey = \"" + publicKey + "\"; to host " + host + " by hand");
        }
        if (!publicKey.equals(tree.path(host).path("publicKey").asText(null))) {
            throw new CliException("not changed: " + specFile + " with the key added does not evaluate to it at "
                    + host + ".publicKey (something later in the file overrides it); add it by hand");
        }
    }

    private static String read(Path file, String what, String fix) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException(what + " " + file + " does not exist (" + fix + ")");
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code ssh-ed25519 AAAA…} without the comment that names the installer. */
    static String committedKey(String line) {
        String[] parts = line.strip().split("\\s+");
        return parts.length >= 2 ? parts[0] + " " + parts[1] : line.strip();
    }

    private String onPath(String name) {
        String path = searchPath;
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static String render(JsonNode v) {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        out.append("# ").append(v.path("host").asText()).append(": ").append(v.path("publicKey").asText())
                .append(nl).append("#   ").append(v.path("fingerprint").asText()).append(", age ")
                .append(v.path("ageRecipient").asText()).append(" (VM ").append(v.path("vmid").asInt()).append(", ")
                .append(v.path("ip").asText()).append(')').append(nl).append(nl);
        out.append(v.path("rendered").asText().replace("\n", nl));
        if (v.path("tailscaleTags").isArray()) {
            out.append(nl).append("# tailscale: enrolled with tags ").append(v.path("tailscaleTags").toString())
                    .append(nl);
        }
        return out.toString();
    }
}
