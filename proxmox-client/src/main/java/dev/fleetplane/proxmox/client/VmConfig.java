package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /nodes/{node}/qemu/{vmid}/config}: every key as text (Proxmox mixes numbers and strings),
 * with readers for the keys fleetplane interprets.
 */
public record VmConfig(Map<String, String> values) {

    private static final Pattern MAC = Pattern.compile("(?i)([0-9a-f]{2}(?::[0-9a-f]{2}){5})");
    private static final Pattern NIC_MODELS = Pattern.compile("(?i)^(?:virtio|e1000e?|e1000-[0-9a-z-]+|rtl8139|vmxnet3|i82551|i82557b|i82559er|ne2k_isa|ne2k_pci|pcnet)$");

    public VmConfig {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The sha1 digest of the config file, for optimistic updates. */
    public Optional<String> digest() {
        return get("digest");
    }

    public Optional<Integer> cores() {
        return get("cores").map(Integer::parseInt);
    }

    /** {@code memory} is {@code [current=]<MiB>} and arrives as a string. */
    public Optional<Integer> memoryMb() {
        return get("memory").map(m -> Integer.parseInt(m.replaceFirst("^current=", "").split(",")[0].trim()));
    }

    /** The MAC of {@code net0} ({@code virtio=BC:24:...,bridge=vmbr0} or {@code macaddr=...}), upper-case. */
    public Optional<String> net0Mac() {
        return get("net0").flatMap(VmConfig::macOf);
    }

    /** {@code agent} is a property string ({@code 1}, {@code enabled=1,fstrim_cloned_disks=1}), not a boolean. */
    public boolean agentEnabled() {
        String agent = values.get("agent");
        if (agent == null) {
            return false;
        }
        for (String part : agent.split(",")) {
            String p = part.trim();
            if (p.equals("1") || p.equals("enabled=1")) {
                return true;
            }
        }
        return false;
    }

    /** Disk keys as Proxmox names them ({@code scsi0}, {@code virtio0}, {@code efidisk0}, ...). */
    public static final Pattern DISK_KEY = Pattern.compile(
            "ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT])?");

    /** The {@code size=} of a disk ({@code local-lvm:vm-111-disk-0,iothread=1,size=8G}) in bytes; empty when absent. */
    public Optional<Long> diskBytes(String diskKey) {
        return get(diskKey).flatMap(v -> option(v, "size")).flatMap(VmConfig::sizeBytes);
    }

    /** The storage of a disk ({@code local-lvm} of {@code local-lvm:vm-111-disk-0,...}); empty for none or a cdrom. */
    public Optional<String> diskStorage(String diskKey) {
        return get(diskKey).filter(v -> !isCdrom(v)).flatMap(v -> {
            String file = v.split(",", 2)[0];
            int colon = file.indexOf(':');
            return colon > 0 ? Optional.of(file.substring(0, colon)) : Optional.empty();
        });
    }

    /**
     * The boot disk: the first data disk (not a cdrom, EFI or TPM state) in {@code boot: order=...}, else the first
     * data disk by name.
     */
    public Optional<String> bootDiskKey() {
        java.util.function.Predicate<String> dataDisk = k -> DISK_KEY.matcher(k).matches() && values.containsKey(k)
                && !k.equals("efidisk0") && !k.equals("tpmstate0") && !isCdrom(values.get(k));
        Optional<String> order = get("boot").flatMap(b -> option(b, "order"));
        if (order.isPresent()) {
            for (String device : order.get().split(";")) {
                if (dataDisk.test(device.trim())) {
                    return Optional.of(device.trim());
                }
            }
        }
        return new java.util.TreeSet<>(values.keySet()).stream().filter(dataDisk).findFirst();
    }

    /** {@code 8G}, {@code 512M}, {@code 4M}, {@code 1.5T}, bare bytes → bytes; binary units as Proxmox uses them. */
    public static Optional<Long> sizeBytes(String size) {
        Matcher m = SIZE.matcher(size == null ? "" : size.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long factor = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            default -> 1L << 40;
        };
        return Optional.of((long) Math.ceil(Double.parseDouble(m.group(1)) * factor));
    }

    private static boolean isCdrom(String diskSpec) {
        return option(diskSpec, "media").filter("cdrom"::equals).isPresent();
    }

    private static Optional<String> option(String propertyString, String key) {
        for (String part : propertyString.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2 && kv[0].trim().equals(key)) {
                return Optional.of(kv[1].trim());
            }
        }
        return Optional.empty();
    }

    static Optional<String> macOf(String netSpec) {
        for (String part : netSpec.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2 && (kv[0].trim().equalsIgnoreCase("macaddr") || NIC_MODELS.matcher(kv[0].trim()).matches())) {
                Matcher m = MAC.matcher(kv[1].trim());
                if (m.matches()) {
                    return Optional.of(m.group(1).toUpperCase());
                }
            }
        }
        return Optional.empty();
    }

    static VmConfig from(JsonNode data) {
        JsonFields.object(data, "VM config");
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return new VmConfig(out);
    }
}
