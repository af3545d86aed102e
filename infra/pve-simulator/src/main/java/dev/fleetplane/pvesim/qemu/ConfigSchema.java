package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of qemu-server's VM config schema the simulator knows: which keys exist, which are integers or booleans
 * (returned as JSON numbers, everything else as strings), and how values are checked and normalised.
 */
public final class ConfigSchema {

    static final Set<String> INTEGER_KEYS = Set.of("cores", "sockets", "vcpus", "balloon", "cpuunits", "shares");
    static final Set<String> BOOLEAN_KEYS = Set.of("template", "onboot", "protection", "numa", "acpi", "kvm", "tablet",
            "localtime", "reboot", "freeze", "ciupgrade", "autostart");
    private static final Set<String> STRING_KEYS = Set.of("name", "memory", "cpu", "ostype", "scsihw", "boot",
            "bootdisk", "agent", "description", "tags", "ciuser", "cipassword", "citype", "cicustom", "sshkeys",
            "nameserver", "searchdomain", "vga", "machine", "bios", "smbios1", "vmgenid", "hotplug", "startup", "meta",
            "hookscript", "args", "affinity", "keyboard", "watchdog", "rng0", "cpulimit", "migrate_downtime",
            "migrate_speed", "spice_enhancements", "audio0", "ivshmem", "vmstatestorage", "lock");
    private static final Pattern INDEXED_KEY = Pattern.compile(
            "(net|ipconfig|unused|usb|hostpci|numa)([0-9]|[12][0-9]|3[01])|serial[0-3]|parallel[0-2]");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])");
    private static final Pattern URLENCODED = Pattern.compile("[-%a-zA-Z0-9_.!~*'()]*");
    private static final Pattern TAG = Pattern.compile("[a-z0-9_][a-z0-9_\\-+.]*");
    private static final Pattern NEW_DISK = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):(\\d+(?:\\.\\d+)?)(,.*)?");
    private static final Pattern CLOUDINIT_DISK = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):cloudinit(,.*)?");
    private static final Set<String> NIC_MODELS = Set.of("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3", "ne2k_pci",
            "pcnet", "i82551", "i82557b", "i82559er", "ne2k_isa");
    private static final Pattern SSH_KEY_LINE = Pattern.compile("(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@.\\-]+ [A-Za-z0-9+/=]+(?: .*)?");

    private ConfigSchema() {
    }

    /** True for every key {@code PUT …/config} may set. {@code lock} is not settable through the API. */
    public static boolean settable(String key) {
        return !key.equals("lock") && (known(key));
    }

    public static boolean known(String key) {
        return INTEGER_KEYS.contains(key) || BOOLEAN_KEYS.contains(key) || STRING_KEYS.contains(key)
                || QemuVm.DISK_KEY.matcher(key).matches() || INDEXED_KEY.matcher(key).matches();
    }

    /**
     * Checks one value and returns it as the config will hold it (Integer for integer/boolean keys, else String).
     * Parameter errors go to {@code call} (400); returns null then. {@code vm} may be null while validating only.
     */
    public static Object normalize(ApiCall call, String key, String value, int vmid, MacAddresses macs, DiskAllocator disks) {
        if (INTEGER_KEYS.contains(key)) {
            long min = key.equals("balloon") ? 0 : 1;
            return call.integer(key, value, min, key.equals("cpuunits") || key.equals("shares") ? 262144 : 4096);
        }
        if (BOOLEAN_KEYS.contains(key)) {
            Boolean b = ApiCall.parseBoolean(value);
            if (b == null) {
                call.error(key, "type check ('boolean') failed - got '" + value + "'");
                return null;
            }
            return b ? 1 : 0;
        }
        switch (key) {
            case "name":
                if (!DNS_NAME.matcher(value).matches()) {
                    call.error(key, "invalid format - value does not look like a valid DNS name");
                    return null;
                }
                return value;
            case "memory": {
                String current = PropertyString.parse(value, "current").get("current");
                if (current == null || !current.matches("\\d+")) {
                    call.error(key, "invalid format - format error\nmemory.current: type check ('integer') failed - got '"
                            + current + "'");
                    return null;
                }
                if (Long.parseLong(current) < 16) {
                    call.error(key, "invalid format - format error\nmemory.current: value must have a minimum value of 16");
                    return null;
                }
                return current;
            }
            case "agent": {
                Map<String, String> props = PropertyString.parse(value, "enabled");
                Boolean enabled = props.get("enabled") == null ? null : ApiCall.parseBoolean(props.get("enabled"));
                if (enabled == null) {
                    call.error(key, "invalid format - format error\nagent.enabled: type check ('boolean') failed - got '"
                            + props.get("enabled") + "'");
                    return null;
                }
                Map<String, String> out = new LinkedHashMap<>(props);
                out.remove("enabled");
                String rest = PropertyString.print(out);
                return (enabled ? "1" : "0") + (rest.isEmpty() ? "" : "," + rest);
            }
            case "tags": {
                String tags = normalizeTags(value);
                for (String tag : tags.split(";")) {
                    if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
                        call.error(key, "invalid format - invalid characters in tag '" + tag + "'");
                        return null;
                    }
                }
                return tags;
            }
            case "sshkeys":
                if (!URLENCODED.matcher(value).matches()) {
                    call.error(key, "invalid urlencoded string: " + value);
                    return null;
                }
                return value;
            case "bios":
                if (!value.equals("seabios") && !value.equals("ovmf")) {
                    call.error(key, "value '" + value + "' does not have a value in the enumeration 'seabios, ovmf'");
                    return null;
                }
                return value;
            case "description":
                if (value.length() > 8192) {
                    call.error(key, "value may only be 8192 characters long");
                    return null;
                }
                return value;
            default:
                break;
        }
        if (key.matches("net\\d+")) {
            return normalizeNet(call, key, value, macs);
        }
        if (QemuVm.DISK_KEY.matcher(key).matches() && disks != null) {
            return disks.allocate(key, value);
        }
        return value;
    }

    /** Tags as pve-guest-common stores them: lower-case, de-duplicated, sorted, joined with ';'. */
    public static String normalizeTags(String raw) {
        Set<String> tags = new TreeSet<>();
        for (String tag : raw.split("[;,\\s]+")) {
            if (!tag.isBlank()) {
                tags.add(tag.toLowerCase(Locale.ROOT));
            }
        }
        return String.join(";", tags);
    }

    /** Validates the decoded sshkeys (one public key per line) as {@code validate_ssh_public_keys} would. */
    public static boolean validSshKeys(String urlencoded) {
        String decoded = dev.fleetplane.pvesim.http.RequestParams.percentDecode(urlencoded, false);
        for (String line : decoded.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && !SSH_KEY_LINE.matcher(l).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@code virtio,bridge=vmbr0} → {@code virtio=BC:24:11:xx:xx:xx,bridge=vmbr0} (model=MAC first, as print_net does). */
    static String normalizeNet(ApiCall call, String key, String value, MacAddresses macs) {
        Map<String, String> props = new LinkedHashMap<>();
        String model = null;
        String mac = null;
        for (Map.Entry<String, String> e : PropertyString.parse(value, "model").entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k.equals("model")) {
                model = v;
            } else if (k.equals("macaddr")) {
                mac = v;
            } else if (NIC_MODELS.contains(k)) {
                model = k;
                mac = v.isEmpty() ? null : v;
            } else {
                props.put(k, v);
            }
        }
        if (model == null || !NIC_MODELS.contains(model)) {
            call.error(key, "invalid format - format error\n" + key + ".model: value '" + model
                    + "' does not have a value in the enumeration '" + String.join(", ", new TreeSet<>(NIC_MODELS)) + "'");
            return null;
        }
        if (mac != null && !MacAddresses.isMac(mac)) {
            call.error(key, "invalid format - format error\n" + key + ".macaddr: value does not look like a valid MAC address");
            return null;
        }
        if (mac == null) {
            mac = macs.next();
        } else {
            mac = mac.toUpperCase(Locale.ROOT);
            macs.reserve(mac);
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put(model, mac);
        out.putAll(props);
        return PropertyString.print(out);
    }

    /** Turns disk allocation syntax ({@code local-lvm:20}, {@code local-lvm:cloudinit}) into volumes. */
    public interface DiskAllocator {
        String allocate(String key, String value);
    }

    /** Allocates new volumes on the given VM; existing volume references pass through unchanged. */
    static DiskAllocator allocatorFor(int vmid, java.util.function.IntSupplier nextDiskIndex,
                                      java.util.function.Predicate<String> storageExists) {
        return (key, value) -> {
            Matcher cloudinit = CLOUDINIT_DISK.matcher(value);
            if (cloudinit.matches()) {
                requireStorage(cloudinit.group(1), storageExists);
                return cloudinit.group(1) + ":vm-" + vmid + "-cloudinit,media=cdrom";
            }
            Matcher fresh = NEW_DISK.matcher(value);
            if (fresh.matches()) {
                String storage = fresh.group(1);
                requireStorage(storage, storageExists);
                Map<String, String> opts = PropertyString.parse(fresh.group(3) == null ? "" : fresh.group(3).substring(1), "file");
                double gib = Double.parseDouble(fresh.group(2));
                if (gib == 0 && opts.containsKey("import-from")) {
                    gib = 8; // the imported image's size, which the simulator does not know
                }
                opts.remove("import-from");
                // An EFI vars disk has a fixed size whatever is asked (4M after LVM's rounding of 128K or 528K).
                long bytes = key.equals("efidisk0") ? 4L * 1024 * 1024 : (long) Math.ceil(gib * 1024 * 1024 * 1024);
                opts.put("size", DiskSize.format(bytes));
                String volume = storage + ":vm-" + vmid + "-disk-" + nextDiskIndex.getAsInt();
                return volume + "," + PropertyString.print(opts);
            }
            return value;
        };
    }

    private static void requireStorage(String storage, java.util.function.Predicate<String> storageExists) {
        if (!storageExists.test(storage)) {
            throw dev.fleetplane.pvesim.http.ApiException.internal("storage '" + storage + "' does not exist");
        }
    }
}
