package dev.fleetplane.adapter.inventory;

import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.proxmox.client.ClusterVm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The inventory as events carry it: QEMU guests only, sorted by VMID, with a SHA-256 digest over a
 * canonical line per VM, so any listed change (status, size, tags, a new VM) changes the digest; pure.
 */
public final class InventoryDigest {

    private InventoryDigest() {
    }

    public static List<ObservedVm> observed(List<ClusterVm> guests) {
        return guests.stream().filter(ClusterVm::isQemu)
                .map(v -> new ObservedVm(v.vmid(), v.name(), v.node(), v.status(), v.template(), v.maxCpu(),
                        v.maxMemBytes(), v.maxDiskBytes(), List.copyOf(v.tags())))
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
                    + String.join(";", v.tags().stream().sorted().toList()) + "\n";
            sha.update(line.getBytes(StandardCharsets.UTF_8));
        });
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
