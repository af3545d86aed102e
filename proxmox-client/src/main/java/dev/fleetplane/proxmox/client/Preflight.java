package dev.fleetplane.proxmox.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must hold on a Proxmox cluster before fleetplane drives it, checked on what was read (version, the token's
 * effective privileges, the cluster's VMs, the node's storages): each problem is one line naming the cause and the
 * fix, each success an {@code ok} line. Pure: {@link PreflightReader} does the reading.
 */
public final class Preflight {

    /** The oldest Proxmox VE release fleetplane supports. */
    public static final int MIN_MAJOR = 7;

    /** The zone Proxmox files plain Linux bridges ({@code vmbr0}) under for {@code SDN.Use}. */
    static final String LOCAL_NETWORK = "/sdn/zones/localnetwork";

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

    /**
     * What fleetplane will use.
     *
     * @param node         the node it clones on
     * @param templateVmid the template it clones, when known
     * @param storage      the storage clones go to, when known
     */
    public record Needs(String node, OptionalInt templateVmid, Optional<String> storage) {
    }

    /** What was read from the cluster; {@code storages} are the node's. */
    public record Observed(String url, String tokenId, PveVersion version, PvePermissions permissions,
                           List<ClusterVm> vms, List<NodeStorage> storages) {
    }

    /** One privilege fleetplane needs on a path, and what it is for. */
    public record Requirement(String privilege, String path, String purpose, boolean forNewVms) {
    }

    /** The outcome: problems are what must be fixed before fleetplane may report ready. */
    public record Report(List<String> ok, List<String> problems) {

        public Report {
            ok = List.copyOf(ok);
            problems = List.copyOf(problems);
        }

        public boolean clean() {
            return problems.isEmpty();
        }

        static Report problem(String line) {
            return new Report(List.of(), List.of(line));
        }
    }

    private Preflight() {
    }

    /** {@code 9.1.2} -> 9, {@code 7.4-16} -> 7; empty when the text has no version. */
    public static OptionalInt major(String version) {
        Matcher m = version == null ? null : VERSION.matcher(version);
        return m != null && m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * The privileges fleetplane needs, per operation, on the release with this major version. New VMs get VMIDs
     * nobody knows yet, so their privileges must propagate from {@code /vms}.
     */
    public static List<Requirement> requirements(int major, Needs needs) {
        List<Requirement> r = new ArrayList<>();
        needs.templateVmid().ifPresent(t -> {
            r.add(new Requirement("VM.Clone", "/vms/" + t, "clone the template", false));
            r.add(new Requirement("VM.Audit", "/vms/" + t, "read the template", false));
        });
        r.add(new Requirement("VM.Allocate", "/vms", "create and destroy VMs", true));
        r.add(new Requirement("VM.Audit", "/vms", "see the fleet's VMs", true));
        for (String p : List.of("VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Cloudinit",
                "VM.Config.Options", "VM.Config.HWType")) {
            r.add(new Requirement(p, "/vms", "configure VMs", true));
        }
        r.add(new Requirement("VM.Config.Disk", "/vms", "resize disks", true));
        r.add(new Requirement("VM.PowerMgmt", "/vms", "start and stop VMs", true));
        r.add(new Requirement(major >= 9 ? "VM.GuestAgent.Audit" : "VM.Monitor", "/vms",
                "read guest IPs from the agent", true));
        r.add(new Requirement("VM.Console", "/vms", "open serial consoles", true));
        needs.storage().ifPresent(s -> {
            r.add(new Requirement("Datastore.AllocateSpace", "/storage/" + s, "allocate disks", false));
            r.add(new Requirement("Datastore.Audit", "/storage/" + s, "see the storage", false));
        });
        if (major >= 8) {
            r.add(new Requirement("SDN.Use", LOCAL_NETWORK, "attach NICs to bridges", true));
        }
        return List.copyOf(r);
    }

    /** The checks over what was read. */
    public static Report check(Observed seen, Needs needs) {
        List<String> ok = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String release = seen.version().version().isEmpty() ? seen.version().release() : seen.version().version();
        OptionalInt major = major(release);
        if (major.isEmpty()) {
            problems.add("Proxmox at " + seen.url() + " reports version '" + release + "', which is not a Proxmox VE"
                    + " version (is the URL a Proxmox VE node?)");
        } else if (major.getAsInt() < MIN_MAJOR) {
            problems.add("Proxmox " + release + " is older than the " + MIN_MAJOR + ".0 fleetplane supports (upgrade"
                    + " the node: https://pve.proxmox.com/wiki/Upgrade_from_" + major.getAsInt() + ".x_to_"
                    + (major.getAsInt() + 1) + ".0)");
        } else {
            ok.add("ok: Proxmox VE " + release + " at " + seen.url());
        }
        privileges(seen, needs, major.orElse(9), ok, problems);
        needs.templateVmid().ifPresent(t -> template(seen, needs.node(), t, ok, problems));
        needs.storage().ifPresent(s -> storage(seen, needs.node(), s, ok, problems));
        return new Report(ok, problems);
    }

    private static void privileges(Observed seen, Needs needs, int major, List<String> ok, List<String> problems) {
        List<Requirement> wanted = requirements(major, needs);
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (Requirement r : wanted) {
            boolean held = r.forNewVms() ? seen.permissions().propagates(r.path(), r.privilege())
                    : seen.permissions().has(r.path(), r.privilege());
            if (!held) {
                missing.computeIfAbsent(r.path(), k -> new ArrayList<>()).add(r.privilege());
            }
        }
        String token = seen.tokenId();
        if (missing.isEmpty()) {
            ok.add("ok: token " + token + " holds the " + wanted.size() + " privileges fleetplane needs");
            return;
        }
        if (seen.permissions().isEmpty()) {
            problems.add("token " + token + " has no privileges at all (a token with privilege separation gets none"
                    + " until ACLs name the token itself; see docs/proxmox-privileges.md)");
        }
        missing.forEach((path, privs) -> {
            boolean propagated = wanted.stream().anyMatch(r -> r.path().equals(path) && r.forNewVms());
            String grantOn = path.startsWith("/vms/") ? "/vms" : path;
            problems.add("token " + token + " lacks " + String.join(", ", privs) + " on " + path
                    + (propagated ? " (propagated, for VMs it creates)" : "") + " (grant a role with "
                    + (privs.size() == 1 ? "it" : "them") + " to the token itself and its user: pveum acl modify "
                    + grantOn + " --tokens '" + token + "' --users '" + user(token) + "' --roles " + role(privs.get(0))
                    + ")");
        });
    }

    private static void template(Observed seen, String node, int vmid, List<String> ok, List<String> problems) {
        Optional<ClusterVm> found = seen.vms().stream().filter(v -> v.vmid() == vmid).findFirst();
        if (found.isEmpty()) {
            problems.add("template " + vmid + " does not exist, or the token cannot see it (create the NixOS template"
                    + " or set _proxmox.templateVmid to its VMID; the token needs VM.Audit on /vms/" + vmid + ")");
            return;
        }
        ClusterVm t = found.get();
        String what = "template " + vmid + " (" + t.name() + ")";
        if (!t.template()) {
            problems.add("template " + vmid + " on node " + t.node() + " is a VM, not a template (convert it: qm"
                    + " template " + vmid + ")");
        } else if (!t.node().equals(node)) {
            problems.add(what + " is on node " + t.node() + ", not on " + node + " where fleetplane clones (set"
                    + " _proxmox.node = \"" + t.node() + "\", or put a template on " + node + ")");
        } else {
            ok.add("ok: " + what + " on node " + node + " is a template");
        }
    }

    private static void storage(Observed seen, String node, String name, List<String> ok, List<String> problems) {
        Optional<NodeStorage> found = seen.storages().stream().filter(s -> s.storage().equals(name)).findFirst();
        if (found.isEmpty()) {
            List<String> names = seen.storages().stream().map(NodeStorage::storage).toList();
            problems.add("storage " + name + " does not exist on node " + node + ", or the token cannot see it ("
                    + (names.isEmpty() ? "the token sees no storage there" : "it sees " + String.join(", ", names))
                    + "; set _proxmox.defaultStorage, or grant Datastore.Audit on /storage/" + name + ")");
            return;
        }
        NodeStorage s = found.get();
        if (!s.holds("images")) {
            problems.add("storage " + name + " has no 'images' content (it holds " + String.join(",", s.content())
                    + "; allow VM disks: pvesm set " + name + " --content " + String.join(",", s.content())
                    + (s.content().isEmpty() ? "" : ",") + "images, or set _proxmox.defaultStorage to one that has)");
        } else if (!s.enabled() || !s.active()) {
            problems.add("storage " + name + " on node " + node + " is " + (!s.enabled() ? "disabled" : "not active")
                    + " (enable it: pvesm set " + name + " --disable 0, and check pvesm status)");
        } else {
            ok.add("ok: storage " + name + " on node " + node + " holds VM disks (images)");
        }
    }

    private static String user(String tokenId) {
        int bang = tokenId.indexOf('!');
        return bang < 0 ? tokenId : tokenId.substring(0, bang);
    }

    /** The built-in role that carries {@code privilege} (so the fix needs no custom role). */
    static String role(String privilege) {
        if (privilege.startsWith("Datastore.")) {
            return "PVEDatastoreUser";
        }
        if (privilege.startsWith("SDN.")) {
            return "PVESDNUser";
        }
        return "PVEVMAdmin";
    }
}
