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
