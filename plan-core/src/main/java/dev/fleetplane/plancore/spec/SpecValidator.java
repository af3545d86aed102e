package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.desired.SpecProblem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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

    public static final int MIN_VMID = 100;
    public static final int MAX_VMID = 999_999_999;
    public static final int MIN_MEMORY_MB = 16;
    public static final int MAX_MEMORY_MB = 4 * 1024 * 1024;
    public static final int MAX_CORES = 512;
    public static final int MAX_HOST_NAME = 63;

    private static final Set<String> PROXMOX_KNOWN = Set.of(
            "vmid", "cores", "memory", "disk", "name", "storage", "cloneFromTemplate");

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
        FleetplaneSettings fleetplane = FleetplaneSettings.defaults();
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
                } else if (key.equals("_fleetplane")) {
                    fleetplane = fleetplaneSettings(e.getValue());
                } else {
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
        return new FleetplaneSettings(autoApprove, flake, rebuild);
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
            vm = proxmoxVm(name, p + ".proxmox", px);
            if (vm.isEmpty()) {
                return null;
            }
        }
        return nameOk ? new HostSpec(name, user, rebuild, vm) : null;
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
        if (vmid != null && (vmid < MIN_VMID || vmid > MAX_VMID)) {
            problems.add(new SpecProblem(p + ".vmid", "must be between " + MIN_VMID + " and " + MAX_VMID
                    + ", got " + vmid));
        }
        Integer cores = requiredInt(node, p, "cores");
        if (cores != null && (cores < 1 || cores > MAX_CORES)) {
            problems.add(new SpecProblem(p + ".cores", "must be between 1 and " + MAX_CORES + ", got " + cores));
        }
        Integer memory = requiredInt(node, p, "memory");
        if (memory != null && (memory < MIN_MEMORY_MB || memory > MAX_MEMORY_MB)) {
            problems.add(new SpecProblem(p + ".memory", "must be between " + MIN_MEMORY_MB + " and " + MAX_MEMORY_MB
                    + " (MB), got " + memory));
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
        Optional<String> storage = optionalString(node, p, "storage");
        storage.filter(s -> !STORAGE.matcher(s).matches()).ifPresent(s -> problems.add(
                new SpecProblem(p + ".storage", "must be a Proxmox storage id ([a-zA-Z][a-zA-Z0-9_.-]*), got '"
                        + s + "'")));
        boolean clone = true;
        JsonNode c = node.get("cloneFromTemplate");
        if (c != null && !c.isNull()) {
            if (c.isBoolean()) {
                clone = c.booleanValue();
            } else {
                problems.add(new SpecProblem(p + ".cloneFromTemplate", "must be true or false, got " + kind(c)));
            }
        }
        Map<String, JsonNode> other = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!PROXMOX_KNOWN.contains(k)) {
                other.put(k, node.get(k));
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new ProxmoxVm(vmid, cores, memory, disk, diskBytes, name, storage, clone, Map.copyOf(other)));
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
