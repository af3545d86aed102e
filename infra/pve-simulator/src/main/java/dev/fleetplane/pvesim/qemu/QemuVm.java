package dev.fleetplane.pvesim.qemu;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One simulated QEMU VM: its config (values typed as {@code GET …/config} returns them), its power state and the
 * moments its guest agent and DHCP lease come up. Guarded by the {@link Inventory}'s monitor.
 */
public final class QemuVm {

    static final Pattern DISK_KEY = Pattern.compile("(ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0)");

    private final int vmid;
    private String node;
    private final Map<String, Object> config = new LinkedHashMap<>();
    private boolean running;
    private long startedAtMillis;
    private long qemuPid;
    private Long agentUpAtMillis;   // null: the agent has not started (yet)
    private Long ipv4AtMillis;
    private Path guestDir;
    private final java.util.EnumSet<GuestDefect> defects = java.util.EnumSet.noneOf(GuestDefect.class);

    QemuVm(int vmid, String node) {
        this.vmid = vmid;
        this.node = node;
    }

    public int vmid() {
        return vmid;
    }

    public String node() {
        return node;
    }

    void node(String node) {
        this.node = node;
    }

    /** The live config map (Integer or String values); callers hold the inventory's monitor. */
    public Map<String, Object> config() {
        return config;
    }

    public String name() {
        Object name = config.get("name");
        return name == null ? "VM " + vmid : name.toString();
    }

    public Optional<String> lock() {
        Object lock = config.get("lock");
        return lock == null ? Optional.empty() : Optional.of(lock.toString());
    }

    public boolean isTemplate() {
        return Integer.valueOf(1).equals(config.get("template"));
    }

    /** {@code agent} is a property string: {@code [enabled=]1|0[,fstrim_cloned_disks=1][,type=…]}. */
    public boolean agentEnabled() {
        Object agent = config.get("agent");
        if (agent == null) {
            return false;
        }
        String enabled = PropertyString.parse(agent.toString(), "enabled").get("enabled");
        return enabled != null && Boolean.TRUE.equals(dev.fleetplane.pvesim.http.ApiCall.parseBoolean(enabled));
    }

    /** The MAC of {@code net0} ({@code virtio=BC:24:11:..,bridge=vmbr0}), if the VM has one. */
    public Optional<String> net0Mac() {
        Object net0 = config.get("net0");
        if (net0 == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> e : PropertyString.parse(net0.toString(), "model").entrySet()) {
            if (MacAddresses.isMac(e.getValue())) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    public boolean running() {
        return running;
    }

    public long uptimeSeconds() {
        return running ? Math.max(0, (System.currentTimeMillis() - startedAtMillis) / 1000) : 0;
    }

    public long qemuPid() {
        return qemuPid;
    }

    void powerOn(long pid) {
        running = true;
        qemuPid = pid;
        startedAtMillis = System.currentTimeMillis();
        agentUpAtMillis = null;
        ipv4AtMillis = null;
    }

    void powerOff() {
        running = false;
        qemuPid = 0;
        agentUpAtMillis = null;
        ipv4AtMillis = null;
    }

    void agentUpAt(long millis, long ipv4Millis) {
        agentUpAtMillis = millis;
        ipv4AtMillis = ipv4Millis;
    }

    public boolean agentUp(long now) {
        return running && !defects.contains(GuestDefect.NO_AGENT) && agentUpAtMillis != null && now >= agentUpAtMillis;
    }

    public boolean hasIpv4(long now) {
        return agentUp(now) && !defects.contains(GuestDefect.NO_DHCP) && ipv4AtMillis != null && now >= ipv4AtMillis;
    }

    /** What is broken in this VM's image (set when it is made, see {@link Inventory#create}); callers hold the monitor. */
    public java.util.Set<GuestDefect> defects() {
        return java.util.Set.copyOf(defects);
    }

    void addDefects(java.util.Collection<GuestDefect> more) {
        defects.addAll(more);
    }

    public Optional<Path> guestDir() {
        return Optional.ofNullable(guestDir);
    }

    public void guestDir(Path dir) {
        this.guestDir = dir;
    }

    /** Memory in MiB ({@code memory} is a property string whose default key is {@code current}). */
    public long memoryMb() {
        Object memory = config.get("memory");
        if (memory == null) {
            return 512;
        }
        String current = PropertyString.parse(memory.toString(), "current").get("current");
        try {
            return Long.parseLong(current);
        } catch (NumberFormatException e) {
            return 512;
        }
    }

    public int cpus() {
        Object vcpus = config.get("vcpus");
        if (vcpus instanceof Integer v) {
            return v;
        }
        int cores = config.get("cores") instanceof Integer c ? c : 1;
        int sockets = config.get("sockets") instanceof Integer s ? s : 1;
        return cores * sockets;
    }

    /** Disk keys (scsi0, virtio1, …) in config order, cdroms included. */
    public List<String> diskKeys() {
        List<String> keys = new ArrayList<>();
        for (String key : config.keySet()) {
            if (DISK_KEY.matcher(key).matches()) {
                keys.add(key);
            }
        }
        return keys;
    }

    public static boolean isCdrom(String diskValue) {
        return "cdrom".equals(PropertyString.parse(diskValue, "file").get("media"));
    }

    /** Size of a disk in bytes from its {@code size=} property; 0 when absent. */
    public static long diskBytes(String diskValue) {
        String size = PropertyString.parse(diskValue, "file").get("size");
        long bytes = size == null ? 0 : DiskSize.parse(size);
        return Math.max(bytes, 0);
    }

    /** The first non-cdrom disk in boot order preference, as {@code maxdisk} reports it. */
    public long bootDiskBytes() {
        for (String key : diskKeys()) {
            String value = config.get(key).toString();
            if (!isCdrom(value) && !key.equals("efidisk0") && !key.equals("tpmstate0")) {
                return diskBytes(value);
            }
        }
        return 0;
    }

    /** {@code digest}: SHA-1 of the config file as Proxmox would write it (description as comments, then keys). */
    public String digest() {
        StringBuilder file = new StringBuilder();
        Object description = config.get("description");
        if (description != null) {
            for (String line : description.toString().split("\n", -1)) {
                file.append('#').append(line).append('\n');
            }
        }
        new TreeMap<>(config).forEach((k, v) -> {
            if (!k.equals("description")) {
                file.append(k).append(": ").append(v).append('\n');
            }
        });
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(file.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of {@code GET …/config}: the config plus {@code digest}, with {@code cipassword} masked. */
    public Map<String, Object> configView() {
        Map<String, Object> view = new LinkedHashMap<>(config);
        if (view.containsKey("cipassword")) {
            view.put("cipassword", "**********");
        }
        view.put("digest", digest());
        return view;
    }
}
