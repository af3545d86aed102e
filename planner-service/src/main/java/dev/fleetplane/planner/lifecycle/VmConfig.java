package dev.fleetplane.planner.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.plancore.spec.CreateDefaults;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Translates the spec's {@code proxmox} attributes into the Proxmox config keys {@code ConfigureVm} carries
 * (hosts.nix says {@code cpuType}, Proxmox says {@code cpu}). Pure.
 */
public final class VmConfig {

    /** The attribute a {@code ResizeDisk} handles. */
    public static final String DISK = "disk";
    /** Every VM fleetplane creates carries this tag (with the user's own). */
    public static final String FLEETPLANE_TAG = "fleetplane";

    /** Spec attribute → Proxmox config key, for the attributes that can change in place with {@code ConfigureVm}. */
    private static final Map<String, String> CONFIG_KEYS = Map.of(
            "cores", "cores",
            "memory", "memory",
            "name", "name",
            "bios", "bios",
            "cpuType", "cpu",
            "machine", "machine",
            "onBoot", "onboot",
            "tags", "tags",
            "description", "description");

    private VmConfig() {
    }

    /** The Proxmox config key of a spec attribute; empty for attributes Proxmox's config does not hold. */
    public static Optional<String> configKey(String attribute) {
        return Optional.ofNullable(CONFIG_KEYS.get(attribute));
    }

    /**
     * The config a host asks for at creation (Proxmox keys; cores, memory and the name travel in their own fields):
     * what its {@code proxmox} set writes ({@code proxmox}, as written), the seed's defaults for the rest
     * ({@link CreateDefaults}: cpu, onboot, tags, description) and the seed's cloud-init: DHCP on the first NIC,
     * the host's user as {@code ciuser}, its {@code authorizedKeys} as {@code sshkeys} (one per line; the adapter
     * percent-encodes them as Proxmox requires).
     */
    public static Map<String, String> fromSpec(HostSpec host, ProxmoxVm vm, JsonNode proxmox) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String attribute : List.of("bios", "machine")) {
            JsonNode v = proxmox == null ? null : proxmox.get(attribute);
            if (v != null && !v.isNull()) {
                out.put(CONFIG_KEYS.get(attribute), v.isTextual() ? v.asText() : v.toString());
            }
        }
        out.put("cpu", CreateDefaults.cpuType(vm));
        out.put("onboot", CreateDefaults.onBoot(vm) ? "1" : "0");
        JsonNode tags = proxmox == null ? null : proxmox.get("tags");
        out.put("tags", tags != null && !tags.isNull() ? (tags.isTextual() ? tags.asText() : tags.toString())
                : Json.MAPPER.valueToTree(CreateDefaults.tags(vm)).toString());
        out.put("description", CreateDefaults.description(host, vm));
        out.put("ipconfig0", CreateDefaults.IPCONFIG0);
        out.put("ciuser", host.user());
        List<String> keys = CreateDefaults.authorizedKeys(host);
        if (!keys.isEmpty()) {
            out.put("sshkeys", String.join("\n", keys));
        }
        return out;
    }

    /** The {@code extra} of the {@code ConfigureVm} that configures a fresh clone. */
    public static Map<String, String> forCreate(HostDesired d, String fleet, String host) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("name", d.vmName());
        extra.put("agent", "1");
        Map<String, String> config = d.config() == null ? Map.of() : d.config();
        if (!config.containsKey("ciuser") && d.user() != null && !d.user().isBlank() && !d.user().equals("root")) {
            // Rows queued before the config carried it. Cloud-init creates the admin user on first boot, so
            // fleetplane can log in as it once the first rebuild has disabled root login.
            extra.put("ciuser", d.user());
        }
        extra.put("tags", tags(config.get("tags")));
        extra.put("description", config.getOrDefault("description",
                "managed by fleetplane (fleet " + fleet + ", host " + host + ")"));
        config.forEach((k, v) -> {
            if (!k.equals("tags") && !k.equals("description")) {
                extra.put(k, v);
            }
        });
        return extra;
    }

    /**
     * The {@code extra} of an update's {@code ConfigureVm}: exactly the changed keys (cores and memory always
     * travel in their own fields, at their desired values).
     */
    public static Map<String, String> forUpdate(HostDesired d, List<AttributeChange> attributes) {
        Map<String, String> extra = new LinkedHashMap<>();
        for (AttributeChange a : attributes == null ? List.<AttributeChange>of() : attributes) {
            Optional<String> key = configKey(a.name());
            if (key.isEmpty() || key.get().equals("cores") || key.get().equals("memory")) {
                continue;
            }
            String value = switch (key.get()) {
                case "name" -> d.vmName();
                case "tags" -> tags(a.after());
                case "onboot" -> Boolean.parseBoolean(a.after()) ? "1" : "0";
                default -> a.after();
            };
            if (value != null) {
                extra.put(key.get(), value);
            } else if (key.get().equals("description")) {
                extra.put("description", "");
            }
        }
        return extra;
    }

    /**
     * Proxmox's tag list ({@code a;b}) from what the user wrote (a list, JSON text of a list, or a separated
     * string), always with {@value #FLEETPLANE_TAG}; sorted, as Proxmox shows them.
     */
    public static String tags(String written) {
        TreeSet<String> tags = new TreeSet<>();
        tags.add(FLEETPLANE_TAG);
        if (written != null && !written.isBlank()) {
            String text = written.trim();
            if (text.startsWith("[")) {
                try {
                    for (JsonNode t : Json.MAPPER.readTree(text)) {
                        tags.add(t.asText().trim());
                    }
                } catch (java.io.IOException e) {
                    text = text.replaceAll("[\\[\\]\"]", " ");
                }
            }
            if (!text.startsWith("[")) {
                for (String t : text.split("[;,\\s]+")) {
                    if (!t.isBlank()) {
                        tags.add(t.trim());
                    }
                }
            }
        }
        tags.remove("");
        return String.join(";", tags);
    }
}
