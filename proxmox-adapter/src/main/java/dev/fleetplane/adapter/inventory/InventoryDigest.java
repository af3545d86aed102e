package dev.fleetplane.adapter.inventory;

import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.VmConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The inventory as events carry it: QEMU guests only, sorted by VMID, with a SHA-256 digest over a canonical line
 * per VM, so any change the planner compares (status, sizes, tags, lock, and the config keys it diffs) changes the
 * digest, and a change it does not compare (a cloud-init password, the config's own sha1) does not; pure.
 */
public final class InventoryDigest {

    /**
     * The config keys the planner compares with the spec (cores, memory, name, bios, cpuType, machine, tags,
     * description, the agent, the NIC, the serial console) plus every disk key (disk size, interface, storage).
     */
    public static final Set<String> COMPARED_KEYS = Set.of("cores", "sockets", "memory", "name", "cpu", "bios",
            "machine", "tags", "description", "agent", "net0", "serial0", "onboot", "boot", "efidisk0");

    private InventoryDigest() {
    }

    /** Without configs (an inventory of {@code /cluster/resources} alone). */
    public static List<ObservedVm> observed(List<ClusterVm> guests) {
        return observed(guests, Map.of());
    }

    /**
     * @param configs config per VMID for the VMs whose config is known; others get {@code config = null}. Only the
     *                compared keys are published ({@link #comparedKeys}): a whole config is ~1 KB, and an inventory
     *                event of a thousand VMs must stay under Kafka's default 1 MB record limit.
     */
    public static List<ObservedVm> observed(List<ClusterVm> guests, Map<Integer, Map<String, String>> configs) {
        return guests.stream().filter(ClusterVm::isQemu)
                .map(v -> new ObservedVm(v.vmid(), v.name(), v.node(), v.status(), v.template(), v.maxCpu(),
                        v.maxMemBytes(), v.maxDiskBytes(), List.copyOf(v.tags()), v.lock(),
                        configs.containsKey(v.vmid()) ? comparedKeys(configs.get(v.vmid())) : null))
                .sorted(Comparator.comparingInt(ObservedVm::vmid).thenComparing(ObservedVm::node))
                .toList();
    }

    public static String digest(List<ObservedVm> vms) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        vms.stream().sorted(Comparator.comparingInt(ObservedVm::vmid).thenComparing(ObservedVm::node)).forEach(v -> {
            String line = v.vmid() + "\t" + v.name() + "\t" + v.node() + "\t" + v.status() + "\t" + v.template() + "\t"
                    + v.cores() + "\t" + v.memoryBytes() + "\t" + v.diskBytes() + "\t"
                    + String.join(";", v.tags().stream().sorted().toList()) + "\t" + (v.lock() == null ? "" : v.lock())
                    + "\t" + compared(v.config()) + "\n";
            sha.update(line.getBytes(StandardCharsets.UTF_8));
        });
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** The keys of a config the planner compares, sorted. */
    public static Map<String, String> comparedKeys(Map<String, String> config) {
        Map<String, String> out = new TreeMap<>();
        config.forEach((k, v) -> {
            if (COMPARED_KEYS.contains(k) || VmConfig.DISK_KEY.matcher(k).matches()) {
                out.put(k, v);
            }
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    private static String compared(Map<String, String> config) {
        if (config == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        comparedKeys(config).forEach((k, v) ->
                // Length-prefixed, so a value containing the separators cannot imitate another config.
                b.append(k).append('=').append(v.length()).append(':').append(v).append(';'));
        return b.toString();
    }
}
