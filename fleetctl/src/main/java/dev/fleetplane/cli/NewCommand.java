package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.cli.hostsfile.EntryInsertion;
import dev.fleetplane.cli.hostsfile.HostEntry;
import dev.fleetplane.cli.hostsfile.HostsFileStyle;
import dev.fleetplane.cli.hostsfile.NixText;
import dev.fleetplane.plancore.spec.DiskSize;
import dev.fleetplane.plancore.spec.NixEvaluationException;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplane new NAME}: the hosts.nix entry of a new host in the file's style, with a VMID free both in
 * Proxmox and in the spec; with {@code --write FILE} inserted into the file, but only once the result evaluates to
 * the old spec plus exactly that host.
 */
@Command(name = "new", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
        description = {"Print (or with --write insert) the hosts.nix entry of a new host.",
                "The VMID is Proxmox's next free one (asked through the running proxmox-adapter), stepped past the",
                "VMIDs the spec already uses, within _fleetplane.vmidRange (default 100-8999). Cores, memory, disk and",
                "user default to the most common",
                "values among the spec's VM hosts (ties: the smaller), else 2 / 4096 / 32G / root.",
                "Exit codes: 0 printed or written, 1 error (nothing written)."})
final class NewCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "NAME", description = "the new host's name (a host name: letters, digits, '-')")
    String name;

    @Option(names = "--spec", paramLabel = "FILE", defaultValue = "hosts.nix",
            description = "the hosts file (default: ${DEFAULT-VALUE}; with --write, the file written)")
    Path specFile;

    @Option(names = "--cores", paramLabel = "N", description = "vCPUs (default: the spec's most common)")
    Integer cores;

    @Option(names = "--memory", paramLabel = "MB", description = "memory in MB (default: the spec's most common)")
    Integer memory;

    @Option(names = "--disk", paramLabel = "SIZE", description = "disk size, e.g. 32G (default: the spec's most common)")
    String disk;

    @Option(names = "--user", paramLabel = "U", description = "the admin user fleetplane logs in as (default: the spec's most common)")
    String user;

    @Option(names = "--write", paramLabel = "FILE",
            description = "insert the entry into FILE (the spec read, unless --spec names it) instead of printing it")
    Path writeFile;

    @Option(names = "--adapter", paramLabel = "URL",
            description = "proxmox-adapter URL (default: FLEETPLANE_ADAPTER_URL, else the running `up` stack)")
    String adapter;

    @Option(names = "--nix-timeout", defaultValue = "PT30S", description = "how long Nix may evaluate (default ${DEFAULT-VALUE})")
    Duration nixTimeout;

    /** Where free VMIDs come from; tests set a fake. */
    VmidSource vmids;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        String refusal = nameProblem(name);
        if (refusal != null) {
            throw new CliException(refusal);
        }
        Path file = specFile;
        if (writeFile != null) {
            if (command.commandLine().getParseResult().hasMatchedOption("--spec") && !samePath(writeFile, specFile)) {
                throw new CliException("--write " + writeFile + " and --spec " + specFile + " differ: --write inserts "
                        + "into the file it read (pass one of them)");
            }
            file = writeFile;
        }
        HostsFile hosts = HostsFile.read(file, nixTimeout, System.err);
        if (hosts.tree().has(name)) {
            throw new CliException(file + " has a host " + name + " already");
        }
        NewHostDefaults defaults = NewHostDefaults.of(hosts.spec());
        int c = cores != null ? cores : defaults.cores();
        int m = memory != null ? memory : defaults.memoryMb();
        String d = disk != null ? disk : defaults.disk();
        String u = user != null ? user : defaults.user();
        checkSizes(c, m, d, u);

        Set<Integer> used = new LinkedHashSet<>();
        hosts.spec().managedHosts().forEach(h -> used.add(h.proxmox().orElseThrow().vmid()));
        hosts.spec().proxmox().ifPresent(p -> used.add(p.templateVmid()));
        VmidSource source = vmids != null ? vmids : new AdapterVmids(StackFile.adapterUrl(adapter));
        int vmid = VmidChoice.choose(source, used, hosts.spec().fleetplane().vmidRange());

        HostEntry explicit = new HostEntry(name, u, Optional.empty(), vmid, c, m, d, Optional.empty());
        Styled styled = styled(hosts, explicit);
        if (writeFile == null) {
            if (styled.problem != null) {
                System.err.println("fleetplane: note: the entry could not be checked in " + file + " ("
                        + styled.problem + "); it is shown as plain attributes");
            }
            out.println("Add this to " + file + ", before the closing brace of its top-level attribute set:");
            out.println();
            out.print(styled.entry.render(styled.indent));
        } else {
            if (styled.problem != null) {
                throw new CliException("not written, " + file + " is unchanged: " + styled.problem);
            }
            replace(file, hosts.source(), styled.text);
            out.println("Added host " + name + " to " + file + ":");
            out.println();
            out.print(styled.entry.render(styled.indent));
        }
        out.println();
        out.println("vmid " + vmid + ": free in Proxmox and unused in " + file + ". cores " + c + ", memory " + m
                + " MB, disk " + d + ", user " + u + (cores == null || memory == null || disk == null || user == null
                ? " (defaults: " + defaults.basis() + ")" : "") + ".");
        out.println();
        out.println("Next steps:");
        int step = 1;
        if (writeFile == null) {
            out.println("  " + step++ + ". paste it into " + file + " (or run: fleetplane new " + name + " --write " + file
                    + optionsText() + ")");
        }
        out.println("  " + step++ + ". create hosts/" + name + "/configuration.nix (the host's NixOS configuration)");
        out.println("  " + step++ + ". fleetplane push " + file + " --wait   (shows the plan: + create " + name
                + "), then fleetplane apply PLAN_ID");
        out.println("  " + step + ". once it is Ready: fleetplane integrate " + name
                + "   (its publicKey for hosts.nix and age key for .sops.yaml)");
        out.flush();
        return 0;
    }

    /** The entry in the file's style if that evaluates to what is meant, else the plain one; with a reason when neither does. */
    private Styled styled(HostsFile hosts, HostEntry explicit) {
        NixText nix;
        HostsFileStyle style;
        try {
            nix = NixText.of(hosts.source());
            style = HostsFileStyle.of(nix);
        } catch (NixText.UnreadableException e) {
            return new Styled(explicit, "  ", null, "cannot find where its hosts are: " + e.getMessage());
        }
        List<HostEntry> candidates = new ArrayList<>();
        Optional<String> userExpression = user == null ? style.userExpression() : Optional.empty();
        if (style.proxmoxHelper().isPresent()) {
            candidates.add(explicit.withUserExpression(userExpression).withProxmoxHelper(style.proxmoxHelper()));
        }
        if (userExpression.isPresent()) {
            candidates.add(explicit.withUserExpression(userExpression));
        }
        candidates.add(explicit);
        String problem = null;
        for (HostEntry candidate : candidates) {
            try {
                String text = EntryInsertion.insert(nix, candidate.render(style.indent()));
                JsonNode after = HostsFile.evaluate(hosts.path(), text, nixTimeout);
                Optional<String> wrong = NewHostCheck.problem(hosts.tree(), after, candidate);
                if (wrong.isEmpty()) {
                    return new Styled(candidate, style.indent(), text, null);
                }
                problem = "with the entry inserted, " + wrong.get();
            } catch (NixText.UnreadableException e) {
                problem = e.getMessage();
            } catch (NixEvaluationException e) {
                problem = "with the entry inserted it does not evaluate: " + e.getMessage().strip();
            }
        }
        return new Styled(explicit, style.indent(), null, problem);
    }

    private record Styled(HostEntry entry, String indent, String text, String problem) {
    }

    /** Writes {@code text} over {@code file} atomically, keeping its mode, unless it changed since it was read. */
    static void replace(Path file, String expected, String text) {
        replace(file, expected, text, "fleetplane new");
    }

    /** As {@link #replace(Path, String, String)}; {@code command} names who read the file in the refusal. */
    static void replace(Path file, String expected, String text, String command) {
        try {
            Path real = file.toRealPath();
            if (!Files.readString(real).equals(expected)) {
                throw new CliException("not written: " + file + " changed while " + command + " ran; run it again");
            }
            Path tmp = Files.createTempFile(real.getParent(), "." + real.getFileName() + ".", ".fleetplane-new");
            try {
                Files.writeString(tmp, text);
                PosixFileAttributeView posix = Files.getFileAttributeView(real, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (posix != null) {
                    Files.setPosixFilePermissions(tmp, posix.readAttributes().permissions());
                }
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new CliException("not written: " + file + " cannot be replaced atomically here: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException("not written, " + file + " is unchanged: " + e, e);
        }
    }

    /** Why {@code name} cannot be a new host, or null: a host name (RFC 1123 label) that Nix takes unquoted. */
    static String nameProblem(String name) {
        if (name.startsWith("_")) {
            return "'" + name + "': names starting with _ are settings (_proxmox, _fleetplane), not hosts";
        }
        if (!name.matches("[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            return "'" + name + "' is not a valid host name: it must start with a letter, hold only letters, digits "
                    + "and '-', not end with '-', and be at most 63 characters (it becomes the VM and host name)";
        }
        if (!NixText.isPlainIdentifier(name)) {
            return "'" + name + "' is a Nix keyword: choose another host name";
        }
        return null;
    }

    private static void checkSizes(int cores, int memory, String disk, String user) {
        if (cores < 1 || cores > 512) {
            throw new CliException("--cores must be between 1 and 512, got " + cores);
        }
        if (memory < SpecValidator.MIN_MEMORY_MB || memory > SpecValidator.MAX_MEMORY_MB) {
            throw new CliException("--memory must be between " + SpecValidator.MIN_MEMORY_MB + " and "
                    + SpecValidator.MAX_MEMORY_MB + " MB, got " + memory);
        }
        if (DiskSize.parse(disk).isEmpty()) {
            throw new CliException("--disk '" + disk + "' is not a size like 32G, 512M or 1T");
        }
        if (user.isBlank() || !user.matches("[a-z_][a-z0-9_-]*\\$?")) {
            throw new CliException("--user '" + user + "' is not a user name (lower case letters, digits, _ and -)");
        }
    }

    private String optionsText() {
        StringBuilder sb = new StringBuilder();
        if (cores != null) {
            sb.append(" --cores ").append(cores);
        }
        if (memory != null) {
            sb.append(" --memory ").append(memory);
        }
        if (disk != null) {
            sb.append(" --disk ").append(disk);
        }
        if (user != null) {
            sb.append(" --user ").append(user);
        }
        return sb.toString();
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
