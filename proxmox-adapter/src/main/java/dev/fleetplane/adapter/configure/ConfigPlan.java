package dev.fleetplane.adapter.configure;

import dev.fleetplane.proxmox.client.VmConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What one {@code ConfigureVm} writes: the allowed keys checked (every problem named), values in Proxmox's encoding,
 * net0 kept on its MAC, and an EFI vars disk added when the VM boots OVMF without one; pure.
 *
 * @param values           what to send in the config update
 * @param keys             every key the command put in effect (written, or already so: an unchanged net0)
 * @param allocatesStorage the update creates a volume (efidisk0), so it goes through the asynchronous POST
 */
public record ConfigPlan(Map<String, String> values, List<String> keys, boolean allocatesStorage) {

    /** The {@code extra} keys a ConfigureVm may carry; anything else is refused rather than passed to Proxmox blindly. */
    public static final Set<String> ALLOWED = Set.of("name", "cpu", "bios", "machine", "tags", "description", "agent",
            "net0", "serial0", "vga", "onboot", "boot", "ostype", "efidisk0", "sshkeys", "ipconfig0", "ciuser",
            "nameserver", "searchdomain");
    private static final List<String> TYPED = List.of("cores", "memory");
    private static final List<String> RESERVED = List.of("vmid", "node", "digest", "skiplock", "delete", "revert");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*");
    private static final Pattern AGENT = Pattern.compile("(?:enabled=)?[01](?:,[a-z_-]+=[^,]+)*");
    private static final Pattern CPU_OR_MACHINE = Pattern.compile("[a-zA-Z0-9_.+-]+(?:,[a-zA-Z0-9_-]+=[^,]+)*");
    private static final Pattern SERIAL = Pattern.compile("socket|/dev/[a-zA-Z0-9_./-]+");
    private static final Pattern NEW_VOLUME = Pattern.compile("[a-zA-Z][a-zA-Z0-9\\-_.]*:\\d+(?:\\.\\d+)?(?:,.*)?");
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}(?::[0-9a-f]{2}){5}");
    private static final Set<String> NIC_MODELS = Set.of("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3");

    /** Every problem with the command's extra keys and values, each naming the key; empty when fine. */
    public static List<String> problems(Map<String, String> extra) {
        List<String> problems = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (TYPED.contains(k)) {
                problems.add("extra key '" + k + "' is not allowed (use the typed field)");
            } else if (RESERVED.contains(k)) {
                problems.add("extra key '" + k + "' is not allowed");
            } else if (!ALLOWED.contains(k)) {
                unknown.add(k);
            } else if (v == null) {
                problems.add("extra key '" + k + "' has no value");
            } else {
                valueProblem(k, v).ifPresent(problems::add);
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown config key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown.stream()
                    .map(k -> "'" + k + "'").toList()) + " (ConfigureVm may set " + String.join(", ", new TreeSet<>(ALLOWED))
                    + ")");
        }
        return problems;
    }

    private static Optional<String> valueProblem(String key, String v) {
        boolean ok = switch (key) {
            case "name" -> DNS_NAME.matcher(v).matches();
            case "bios" -> v.equals("seabios") || v.equals("ovmf");
            case "tags" -> splitTags(v).stream().allMatch(t -> TAG.matcher(t).matches());
            case "agent" -> AGENT.matcher(v).matches();
            case "cpu", "machine" -> CPU_OR_MACHINE.matcher(v).matches();
            case "serial0" -> SERIAL.matcher(v).matches();
            case "onboot" -> v.equals("0") || v.equals("1");
            case "description" -> v.length() <= 8192;
            case "net0" -> Nic.parse(v).filter(n -> NIC_MODELS.contains(n.model()) && n.props().containsKey("bridge"))
                    .isPresent();
            case "efidisk0" -> v.contains(":");
            default -> true;
        };
        if (ok) {
            return Optional.empty();
        }
        String expected = switch (key) {
            case "name" -> "a DNS name";
            case "bios" -> "seabios or ovmf";
            case "tags" -> "tags of [a-zA-Z0-9_][a-zA-Z0-9_-+.]* separated by ';' or ','";
            case "agent" -> "1, 0 or enabled=1[,option=value...]";
            case "serial0" -> "socket or a /dev/ path";
            case "onboot" -> "0 or 1";
            case "description" -> "at most 8192 characters";
            case "net0" -> "<model>[=<MAC>],bridge=<bridge>[,...] with model " + String.join("|", new TreeSet<>(NIC_MODELS));
            case "efidisk0" -> "<storage>:<size>[,efitype=4m,...] or an existing volume";
            default -> "a Proxmox " + key + " value";
        };
        String shown = v.length() > 80 ? v.substring(0, 80) + "…" : v;
        return Optional.of("extra " + key + " '" + shown + "' is not " + expected);
    }

    /** True when the current config must be read first (to keep net0's MAC, or to place an EFI disk). */
    public static boolean needsCurrentConfig(Map<String, String> extra) {
        return extra.containsKey("net0") || "ovmf".equals(extra.get("bios"));
    }

    /**
     * The update for checked input. {@code current} is the VM's config when {@link #needsCurrentConfig} said so
     * (else null).
     *
     * @throws IllegalArgumentException when OVMF needs an EFI disk and the VM has no disk to take the storage from
     */
    public static ConfigPlan of(int cores, int memoryMb, Map<String, String> extra, VmConfig current) {
        Map<String, String> values = new TreeMap<>();
        Set<String> keys = new TreeSet<>();
        extra.forEach((k, v) -> {
            keys.add(k);
            switch (k) {
                case "sshkeys" -> values.put(k, ConfigValues.sshKeys(v));
                case "tags" -> values.put(k, String.join(";", splitTags(v)));
                case "net0" -> nic(v, current).ifPresent(n -> values.put(k, n));
                default -> values.put(k, v);
            }
        });
        values.put("cores", Integer.toString(cores));
        values.put("memory", Integer.toString(memoryMb));
        keys.add("cores");
        keys.add("memory");
        boolean hasEfiDisk = extra.containsKey("efidisk0") || (current != null && current.get("efidisk0").isPresent());
        if ("ovmf".equals(extra.get("bios")) && !hasEfiDisk) {
            String storage = Optional.ofNullable(current).flatMap(VmConfig::bootDiskKey).flatMap(current::diskStorage)
                    .orElseThrow(() -> new IllegalArgumentException("bios ovmf needs an efidisk0, and the VM has no data"
                            + " disk whose storage it could go on; send extra efidisk0 (e.g. local-lvm:1,efitype=4m)"));
            // No pre-enrolled Microsoft keys: Secure Boot would refuse to start an unsigned NixOS loader.
            values.put("efidisk0", storage + ":1,efitype=4m,pre-enrolled-keys=0");
            keys.add("efidisk0");
        }
        boolean allocates = values.containsKey("efidisk0") && NEW_VOLUME.matcher(values.get("efidisk0")).matches();
        return new ConfigPlan(values, List.copyOf(keys), allocates);
    }

    /** Tags as Proxmox accepts them, de-duplicated in the given order (Proxmox itself sorts and lower-cases). */
    static List<String> splitTags(String raw) {
        Set<String> tags = new LinkedHashSet<>();
        for (String t : raw.split("[;,\\s]+")) {
            if (!t.isBlank()) {
                tags.add(t.trim());
            }
        }
        return List.copyOf(tags);
    }

    /**
     * net0 as it should be written: as given when the VM has none; nothing when the VM's NIC already matches; else
     * the given NIC on the VM's current MAC, because a new MAC would change the guest's DHCP address.
     */
    static Optional<String> nic(String wanted, VmConfig current) {
        Nic want = Nic.parse(wanted).orElseThrow(() -> new IllegalArgumentException("net0 '" + wanted + "'"));
        Optional<Nic> have = current == null ? Optional.empty() : current.get("net0").flatMap(Nic::parse);
        if (have.isEmpty()) {
            return Optional.of(wanted);
        }
        if (want.mac() == null && want.model().equals(have.get().model()) && want.props().equals(have.get().props())) {
            return Optional.empty();
        }
        String mac = want.mac() != null ? want.mac() : have.get().mac();
        return Optional.of(new Nic(want.model(), mac, want.props()).print());
    }

    /** A NIC property string: {@code virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1}. */
    record Nic(String model, String mac, Map<String, String> props) {

        static Optional<Nic> parse(String spec) {
            String model = null;
            String mac = null;
            Map<String, String> props = new TreeMap<>();
            for (String part : spec.split(",")) {
                String[] kv = part.trim().split("=", 2);
                String k = kv[0].trim();
                String v = kv.length > 1 ? kv[1].trim() : null;
                if (k.isEmpty()) {
                    return Optional.empty();
                }
                if (k.equals("model")) {
                    model = v;
                } else if (k.equals("macaddr")) {
                    mac = v;
                } else if (model == null && v == null) {
                    model = k;
                } else if (model == null && MAC.matcher(v).matches()) {
                    model = k;
                    mac = v;
                } else if (v != null) {
                    props.put(k, v);
                } else {
                    return Optional.empty();
                }
            }
            if (model == null || (mac != null && !MAC.matcher(mac).matches())) {
                return Optional.empty();
            }
            return Optional.of(new Nic(model, mac == null ? null : mac.toUpperCase(), props));
        }

        String print() {
            StringBuilder b = new StringBuilder(mac == null ? model : model + "=" + mac);
            props.forEach((k, v) -> b.append(',').append(k).append('=').append(v));
            return b.toString();
        }
    }
}
