package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an evaluated hosts file into a {@link HostsSpec} and reports every problem at once, each naming
 * the host and the attribute ({@code hosts.web.proxmox.cores}). Pure: no I/O, no clock.
 */
public final class SpecValidator {

    /** Host names become VM names, SSH targets and flake attributes: no shell metacharacters. */
    static final Pattern HOST_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9-]*");
    static final Pattern VM_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9.-]*");
    static final Pattern NODE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9.-]*");
    static final Pattern STORAGE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]*");
    static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]*");
    /** One OpenSSH public key line: type, base64 blob, optional comment (what Proxmox's sshkeys accepts). */
    static final Pattern SSH_PUBLIC_KEY = Pattern.compile(
            "(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
            + " [A-Za-z0-9+/]+={0,3}( [^\\n\\r]*)?");

    public static final int MIN_VMID = 100;
    public static final int MAX_VMID = 999_999_999;
    /** The seed's schema: 512 MB to 128000 MB. */
    public static final int MIN_MEMORY_MB = 512;
    public static final int MAX_MEMORY_MB = 128_000;
    public static final int MAX_CORES = 512;
    public static final int MAX_HOST_NAME = 63;

    /** Proxmox's own tag syntax (pve-tag): letters, digits and {@code _ - + .}, not starting with a sign. */
    static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_+.-]*");
    static final Pattern CPU_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.+-]*");
    static final Pattern MACHINE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.+-]*");
    /** Disk bus and index as Proxmox numbers them: virtio0-15, scsi0-30, sata0-5, ide0-3. */
    static final Pattern DISK_INTERFACE = Pattern.compile("(virtio|scsi|sata|ide)([0-9]{1,2})");
    static final Map<String, Integer> DISK_BUS_MAX = Map.of("virtio", 15, "scsi", 30, "sata", 5, "ide", 3);
    public static final Set<String> BIOS = Set.of("seabios", "ovmf");

    private static final Set<String> PROXMOX_KNOWN = Set.of(
            "vmid", "cores", "memory", "disk", "name", "storage", "cloneFromTemplate", "bios", "cpuType", "machine",
            "onBoot", "diskInterface", "ignoreInit", "tags", "description", "ignoreChangesExtra", "readonly",
            "allowDestroy");
    private static final Set<String> FLEETPLANE_KNOWN = Set.of("autoApprove", "flake", "rebuildCommand", "allowDestroy",
            "vmidRange");
    /** Attributes of the seed's schema fleetplane does not manage yet, with what happens to them. */
    private static final Map<String, String> SEED_NOT_MANAGED = Map.of(
            "virtiofs", "virtiofs mappings (the seed's) are not managed by fleetplane yet: a created VM gets none, an "
                    + "existing VM keeps its own; ignored");
    /** Host attributes the validator reads itself; every other one is kept as written. */
    private static final Set<String> HOST_READ = Set.of("user", "rebuildCommand", "proxmox");

    /** The outcome: a spec when there are no problems; warnings never block. */
    public record Result(Optional<HostsSpec> spec, List<SpecProblem> problems, List<SpecProblem> warnings) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private final List<SpecProblem> problems = new ArrayList<>();
    private final List<SpecProblem> warnings = new ArrayList<>();
    /** Every readable VMID by host, also of hosts with other problems, so duplicates are reported with the rest. */
    private final Map<Integer, List<String>> hostsByVmid = new TreeMap<>();
    /** Every VM name by host, for the same reason. */
    private final Map<String, List<String>> hostsByVmName = new TreeMap<>();
    /** Read before the hosts: host keys may sort before {@code _fleetplane}. */
    private VmidRange vmidRange = VmidRange.DEFAULT;

    private SpecValidator() {
    }

    public static Result validate(JsonNode root) {
        return new SpecValidator().run(root);
    }

    private Result run(JsonNode root) {
        if (root == null || !root.isObject()) {
            problems.add(new SpecProblem("(root)", "a hosts file must evaluate to an attribute set (JSON object), got "
                    + kind(root)));
            return result(null);
        }
        Optional<ProxmoxSettings> proxmox = Optional.empty();
        FleetplaneSettings fleetplane = root.has("_fleetplane") ? fleetplaneSettings(root.get("_fleetplane"))
                : FleetplaneSettings.defaults();
        vmidRange = fleetplane.vmidRange();
        List<HostSpec> hosts = new ArrayList<>();
        boolean anyManaged = false;
        // Sorted so problems and plans come out in the same order whatever produced the JSON.
        Map<String, JsonNode> entries = new TreeMap<>();
        root.fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("_")) {
                if (key.equals("_proxmox")) {
                    proxmox = proxmoxSettings(e.getValue());
                } else if (!key.equals("_fleetplane")) {
                    warnings.add(new SpecProblem(key, "unknown setting, ignored"));
                }
                continue;
            }
            HostSpec host = host(key, e.getValue());
            if (host != null) {
                hosts.add(host);
                anyManaged |= host.managed();
            } else if (e.getValue() != null && e.getValue().isObject() && e.getValue().has("proxmox")) {
                anyManaged = true;
            }
        }
        if (anyManaged && !root.has("_proxmox")) {
            problems.add(new SpecProblem("_proxmox", "required when any host has a proxmox attribute set "
                    + "(host, node, defaultStorage, templateVmid)"));
        }
        crossChecks(proxmox);
        return result(new HostsSpec(proxmox, fleetplane, List.copyOf(hosts)));
    }

    private Result result(HostsSpec spec) {
        return new Result(problems.isEmpty() ? Optional.ofNullable(spec) : Optional.empty(),
                List.copyOf(problems), List.copyOf(warnings));
    }

    private Optional<ProxmoxSettings> proxmoxSettings(JsonNode node) {
        String p = "_proxmox";
        if (!node.isObject()) {
            problems.add(new SpecProblem(p, "must be an attribute set, got " + kind(node)));
            return Optional.empty();
        }
        String host = requiredString(node, p, "host", null);
        String pveNode = requiredString(node, p, "node", NODE_NAME);
        String storage = requiredString(node, p, "defaultStorage", STORAGE);
        Integer template = requiredInt(node, p, "templateVmid");
        if (template != null && (template < MIN_VMID || template > MAX_VMID)) {
            problems.add(new SpecProblem(p + ".templateVmid", "must be between " + MIN_VMID + " and " + MAX_VMID
                    + ", got " + template));
        }
        if (host == null || pveNode == null || storage == null || template == null) {
            return Optional.empty();
        }
        return Optional.of(new ProxmoxSettings(host, pveNode, storage, template));
    }

    private FleetplaneSettings fleetplaneSettings(JsonNode node) {
        String p = "_fleetplane";
        if (!node.isObject()) {
            problems.add(new SpecProblem(p, "must be an attribute set, got " + kind(node)));
            return FleetplaneSettings.defaults();
        }
        Optional<Boolean> autoApprove = Optional.empty();
        JsonNode aa = node.get("autoApprove");
        if (aa != null) {
            if (aa.isBoolean()) {
                autoApprove = Optional.of(aa.booleanValue());
            } else {
                problems.add(new SpecProblem(p + ".autoApprove", "must be true or false, got " + kind(aa)));
            }
        }
        String flake = optionalString(node, p, "flake").orElse(FleetplaneSettings.DEFAULT_FLAKE);
        Optional<String> rebuild = optionalString(node, p, "rebuildCommand");
        boolean allowDestroy = optionalBoolean(node, p, "allowDestroy").orElse(false);
        VmidRange range = vmidRange(node.get("vmidRange"), p + ".vmidRange");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!FLEETPLANE_KNOWN.contains(k)) {
                warnings.add(new SpecProblem(p + "." + k, "unknown setting, ignored"));
            }
        }
        return new FleetplaneSettings(autoApprove, flake, rebuild, allowDestroy, range);
    }

    /** {@code vmidRange = [ 100 8999 ]}: two VMIDs, first not above last; the default when absent or wrong. */
    private VmidRange vmidRange(JsonNode v, String p) {
        if (v == null || v.isNull()) {
            return VmidRange.DEFAULT;
        }
        String expected = "must be a list of two VMIDs [ first last ] with " + MIN_VMID + " <= first <= last <= "
                + MAX_VMID + " (default [ " + VmidRange.DEFAULT.first() + " " + VmidRange.DEFAULT.last() + " ]), got ";
        if (!v.isArray() || v.size() != 2 || !v.get(0).canConvertToInt() || !v.get(1).canConvertToInt()
                || !v.get(0).isIntegralNumber() || !v.get(1).isIntegralNumber()) {
            problems.add(new SpecProblem(p, expected + (v.isArray() ? v.toString() : kind(v))));
            return VmidRange.DEFAULT;
        }
        int first = v.get(0).intValue();
        int last = v.get(1).intValue();
        if (first < MIN_VMID || last > MAX_VMID || first > last) {
            problems.add(new SpecProblem(p, expected + v));
            return VmidRange.DEFAULT;
        }
        return new VmidRange(first, last);
    }

    private HostSpec host(String name, JsonNode node) {
        String p = "hosts." + name;
        boolean nameOk = true;
        if (!HOST_NAME.matcher(name).matches() || name.length() > MAX_HOST_NAME) {
            problems.add(new SpecProblem(p, "host name must match [a-zA-Z0-9][a-zA-Z0-9-]* (at most "
                    + MAX_HOST_NAME + " characters, no shell metacharacters)"));
            nameOk = false;
        }
        if (node == null || !node.isObject()) {
            problems.add(new SpecProblem(p, "a host must be an attribute set, got " + kind(node)));
            return null;
        }
        String user = optionalString(node, p, "user").orElse("root");
        if (!USER.matcher(user).matches()) {
            problems.add(new SpecProblem(p + ".user", "must be a Unix user name ([a-z_][a-z0-9_-]*), got '"
                    + user + "'"));
        }
        Optional<String> rebuild = optionalString(node, p, "rebuildCommand");
        Optional<ProxmoxVm> vm = Optional.empty();
        JsonNode px = node.get("proxmox");
        if (px != null && !px.isNull()) {
            // They become the VM's cloud-init sshkeys: a bad one would fail the create in Proxmox, far from here.
            authorizedKeys(node.get("authorizedKeys"), p + ".authorizedKeys");
            vm = proxmoxVm(name, p + ".proxmox", px);
            if (vm.isEmpty()) {
                return null;
            }
        }
        Map<String, JsonNode> kept = new TreeMap<>();
        node.fields().forEachRemaining(f -> {
            if (!HOST_READ.contains(f.getKey())) {
                kept.put(f.getKey(), f.getValue());
            }
        });
        return nameOk ? new HostSpec(name, user, rebuild, vm, java.util.Collections.unmodifiableMap(kept)) : null;
    }

    private void authorizedKeys(JsonNode keys, String p) {
        if (keys == null || keys.isNull()) {
            return;
        }
        if (!keys.isArray()) {
            problems.add(new SpecProblem(p, "must be a list of SSH public keys, got " + kind(keys)));
            return;
        }
        for (int i = 0; i < keys.size(); i++) {
            JsonNode k = keys.get(i);
            if (!k.isTextual() || !SSH_PUBLIC_KEY.matcher(k.textValue().strip()).matches()) {
                // Only the start: a key is public, but a pasted private key must never be echoed.
                String shown = k.isTextual() ? "'" + abbreviate(k.textValue().strip()) + "'" : kind(k);
                problems.add(new SpecProblem(p + "[" + i + "]", "must be one OpenSSH public key line like "
                        + "'ssh-ed25519 AAAA... comment', got " + shown));
            }
        }
    }

    private static String abbreviate(String s) {
        String first = s.lines().findFirst().orElse("");
        return first.length() > 24 ? first.substring(0, 24) + "..." : first;
    }

    private Optional<ProxmoxVm> proxmoxVm(String host, String p, JsonNode node) {
        if (!node.isObject()) {
            problems.add(new SpecProblem(p, "must be an attribute set, got " + kind(node)));
            return Optional.empty();
        }
        int before = problems.size();
        Integer vmid = requiredInt(node, p, "vmid");
        if (vmid != null) {
            hostsByVmid.computeIfAbsent(vmid, k -> new ArrayList<>()).add(host);
        }
        if (vmid != null && !vmidRange.contains(vmid)) {
            problems.add(new SpecProblem(p + ".vmid", "must be between " + vmidRange.first() + " and "
                    + vmidRange.last() + " (_fleetplane.vmidRange), got " + vmid));
        }
        Integer cores = requiredInt(node, p, "cores");
        if (cores != null && (cores < 1 || cores > MAX_CORES)) {
            problems.add(new SpecProblem(p + ".cores", "must be between 1 and " + MAX_CORES + ", got " + cores));
        }
        Integer memory = requiredInt(node, p, "memory");
        if (memory != null && (memory < MIN_MEMORY_MB || memory > MAX_MEMORY_MB)) {
            problems.add(new SpecProblem(p + ".memory", "must be between " + MIN_MEMORY_MB + " and " + MAX_MEMORY_MB
                    + " MB, got " + memory));
        }
        String disk = requiredString(node, p, "disk", null);
        Long diskBytes = null;
        if (disk != null) {
            diskBytes = DiskSize.parse(disk).orElse(null);
            if (diskBytes == null) {
                problems.add(new SpecProblem(p + ".disk", "must be a size like \"32G\", \"512M\" or \"1T\", got '"
                        + disk + "'"));
            }
        }
        Optional<String> explicitName = optionalString(node, p, "name");
        String name = explicitName.orElse(host);
        // A name taken from the host key was checked with the key already.
        if (explicitName.isPresent() && !VM_NAME.matcher(name).matches()) {
            problems.add(new SpecProblem(p + ".name", "must be a DNS-style name ([a-zA-Z0-9][a-zA-Z0-9.-]*), got '"
                    + name + "'"));
        }
        hostsByVmName.computeIfAbsent(name, k -> new ArrayList<>()).add(host);
        Optional<String> storage = optionalString(node, p, "storage");
        storage.filter(s -> !STORAGE.matcher(s).matches()).ifPresent(s -> problems.add(
                new SpecProblem(p + ".storage", "must be a Proxmox storage id ([a-zA-Z][a-zA-Z0-9_.-]*), got '"
                        + s + "'")));
        boolean clone = optionalBoolean(node, p, "cloneFromTemplate").orElse(true);
        Optional<String> bios = optionalString(node, p, "bios");
        bios.filter(b -> !BIOS.contains(b)).ifPresent(b -> problems.add(new SpecProblem(p + ".bios",
                "unknown bios '" + b + "'; must be seabios or ovmf")));
        Optional<String> cpuType = optionalString(node, p, "cpuType");
        cpuType.filter(t -> !CPU_TYPE.matcher(t).matches()).ifPresent(t -> problems.add(new SpecProblem(
                p + ".cpuType", "must be a Proxmox CPU type like host or x86-64-v2-AES, got '" + t + "'")));
        Optional<String> machine = optionalString(node, p, "machine");
        machine.filter(t -> !MACHINE.matcher(t).matches()).ifPresent(t -> problems.add(new SpecProblem(
                p + ".machine", "must be a Proxmox machine type like q35 or pc-i440fx-8.1, got '" + t + "'")));
        Optional<Boolean> onBoot = optionalBoolean(node, p, "onBoot");
        Optional<String> diskInterface = optionalString(node, p, "diskInterface");
        diskInterface.filter(d -> !validDiskInterface(d)).ifPresent(d -> problems.add(new SpecProblem(
                p + ".diskInterface", "must be a disk slot: virtio0..virtio15, scsi0..scsi30, sata0..sata5 or "
                + "ide0..ide3, got '" + d + "'")));
        boolean ignoreInit = optionalBoolean(node, p, "ignoreInit").orElse(false);
        Optional<List<String>> tags = optionalStringList(node, p, "tags");
        tags.ifPresent(list -> {
            for (int i = 0; i < list.size(); i++) {
                if (!TAG.matcher(list.get(i)).matches()) {
                    problems.add(new SpecProblem(p + ".tags[" + i + "]", "must be a Proxmox tag "
                            + "([a-zA-Z0-9_][a-zA-Z0-9_+.-]*), got '" + list.get(i) + "'"));
                }
            }
        });
        Optional<String> description = Optional.empty();
        JsonNode d = node.get("description");
        if (d != null && !d.isNull()) {
            if (d.isTextual()) {
                description = Optional.of(d.textValue());
            } else {
                problems.add(new SpecProblem(p + ".description", "must be a string, got " + kind(d)));
            }
        }
        List<String> ignoreChanges = optionalStringList(node, p, "ignoreChangesExtra").orElse(List.of());
        for (int i = 0; i < ignoreChanges.size(); i++) {
            if (IgnoreChanges.resolve(ignoreChanges.get(i)).isEmpty()) {
                warnings.add(new SpecProblem(p + ".ignoreChangesExtra[" + i + "]", "'" + ignoreChanges.get(i)
                        + "' is neither an attribute fleetplane compares (" + String.join(", ", VmAttribute.keys())
                        + ") nor a bpg proxmox_virtual_environment_vm attribute (cpu[0].type, memory, disk, on_boot,"
                        + " ...); ignored"));
            }
        }
        boolean readonly = optionalBoolean(node, p, "readonly").orElse(false);
        Optional<Boolean> allowDestroy = optionalBoolean(node, p, "allowDestroy");
        Map<String, JsonNode> other = new TreeMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (SEED_NOT_MANAGED.containsKey(k)) {
                other.put(k, node.get(k));
                warnings.add(new SpecProblem(p + "." + k, SEED_NOT_MANAGED.get(k)));
            } else if (!PROXMOX_KNOWN.contains(k)) {
                other.put(k, node.get(k));
                warnings.add(new SpecProblem(p + "." + k, "unknown attribute, ignored (known: "
                        + String.join(", ", new java.util.TreeSet<>(PROXMOX_KNOWN)) + ")"));
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new ProxmoxVm(vmid, cores, memory, disk, diskBytes, name, storage, clone, bios, cpuType,
                machine, onBoot, diskInterface, ignoreInit, tags, description, List.copyOf(ignoreChanges), readonly,
                allowDestroy, java.util.Collections.unmodifiableMap(other)));
    }

    static boolean validDiskInterface(String d) {
        Matcher m = DISK_INTERFACE.matcher(d);
        return m.matches() && Integer.parseInt(m.group(2)) <= DISK_BUS_MAX.get(m.group(1))
                && (m.group(2).length() == 1 || m.group(2).charAt(0) != '0');
    }

    private void crossChecks(Optional<ProxmoxSettings> proxmox) {
        for (Map.Entry<Integer, List<String>> e : hostsByVmid.entrySet()) {
            List<String> names = e.getValue();
            if (names.size() > 1) {
                for (String n : names) {
                    List<String> others = names.stream().filter(o -> !o.equals(n)).toList();
                    problems.add(new SpecProblem("hosts." + n + ".proxmox.vmid", "VMID " + e.getKey()
                            + " is also used by host " + String.join(", ", others)));
                }
            }
        }
        for (Map.Entry<String, List<String>> e : hostsByVmName.entrySet()) {
            List<String> names = e.getValue();
            if (names.size() > 1) {
                for (String n : names) {
                    List<String> others = names.stream().filter(o -> !o.equals(n)).toList();
                    problems.add(new SpecProblem("hosts." + n + ".proxmox.name", "VM name '" + e.getKey()
                            + "' is also used by host " + String.join(", ", others)));
                }
            }
        }
        proxmox.ifPresent(px -> {
            for (String n : hostsByVmid.getOrDefault(px.templateVmid(), List.of())) {
                problems.add(new SpecProblem("hosts." + n + ".proxmox.vmid", "VMID " + px.templateVmid()
                        + " is the template (_proxmox.templateVmid); a host cannot use it"));
            }
        });
    }

    private String requiredString(JsonNode node, String p, String field, Pattern pattern) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            problems.add(new SpecProblem(p + "." + field, "required"));
            return null;
        }
        if (!v.isTextual()) {
            problems.add(new SpecProblem(p + "." + field, "must be a string, got " + kind(v)));
            return null;
        }
        String s = v.textValue();
        if (s.isBlank()) {
            problems.add(new SpecProblem(p + "." + field, "must not be empty"));
            return null;
        }
        if (pattern != null && !pattern.matcher(s).matches()) {
            problems.add(new SpecProblem(p + "." + field, "must match " + pattern.pattern() + ", got '" + s + "'"));
            return null;
        }
        return s;
    }

    private Optional<String> optionalString(JsonNode node, String p, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            problems.add(new SpecProblem(p + "." + field, "must be a non-empty string, got " + kind(v)));
            return Optional.empty();
        }
        return Optional.of(v.textValue());
    }

    private Optional<Boolean> optionalBoolean(JsonNode node, String p, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            problems.add(new SpecProblem(p + "." + field, "must be true or false, got " + kind(v)));
            return Optional.empty();
        }
        return Optional.of(v.booleanValue());
    }

    private Optional<List<String>> optionalStringList(JsonNode node, String p, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            problems.add(new SpecProblem(p + "." + field, "must be a list of strings, got " + kind(v)));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                problems.add(new SpecProblem(p + "." + field + "[" + i + "]", "must be a non-empty string, got "
                        + kind(item)));
                ok = false;
            } else {
                out.add(item.textValue());
            }
        }
        return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
    }

    private Integer requiredInt(JsonNode node, String p, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            problems.add(new SpecProblem(p + "." + field, "required"));
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problems.add(new SpecProblem(p + "." + field, "must be an integer, got " + kind(v)));
            return null;
        }
        return v.intValue();
    }

    /** How a value reads in a message: its JSON kind and, for scalars, the value. */
    static String kind(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return "string \"" + v.textValue() + "\"";
        }
        if (v.isNumber()) {
            return (v.isIntegralNumber() ? "number " : "float ") + v.asText();
        }
        if (v.isBoolean()) {
            return "boolean " + v.asText();
        }
        if (v.isArray()) {
            return "a list";
        }
        return "an attribute set";
    }
}
