package dev.fleetplane.plancore.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.SpecJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads an inventory saved from Proxmox, as {@code pvesh get /cluster/resources --type vm --output-format json}
 * prints it (a bare array), as the API answers it ({@code {"data": [...]}}), or as {@code fleetplane inventory --json}
 * prints it ({@code cores}, {@code memoryBytes}, {@code diskBytes}, {@code tags} as a list), into the planner's
 * {@link ObservedVm}s: QEMU guests only (containers are not fleetplane's), sorted by VMID. An entry may carry the
 * VM's {@code config} (an object of Proxmox config keys, as {@code pvesh get /nodes/N/qemu/V/config} prints it); the
 * config-only attributes are then compared too, and a template's config names the disk its clones boot from. Pure.
 */
public final class InventoryFile {

    private InventoryFile() {
    }

    /** The inventory file does not say what it must; the message names the entry and field. */
    public static class InvalidInventoryException extends Exception {
        public InvalidInventoryException(String message) {
            super(message);
        }
    }

    public static List<ObservedVm> parse(String text) throws InvalidInventoryException {
        JsonNode root;
        try {
            root = SpecJson.parse(text);
        } catch (SpecJson.MalformedJsonException e) {
            throw new InvalidInventoryException(e.getMessage().replace("the evaluated hosts file as a JSON object",
                    "the output of pvesh get /cluster/resources --type vm --output-format json"));
        }
        return read(root);
    }

    public static List<ObservedVm> read(JsonNode root) throws InvalidInventoryException {
        JsonNode list = root;
        if (root.isObject()) {
            list = root.get("data");
            if (list == null || !list.isArray()) {
                throw new InvalidInventoryException("expected a JSON array of VMs (pvesh output) or an object with a "
                        + "\"data\" array (the API's answer), got an object without \"data\"");
            }
        } else if (!root.isArray()) {
            throw new InvalidInventoryException("expected a JSON array of VMs (pvesh output) or an object with a "
                    + "\"data\" array (the API's answer), got " + root.getNodeType().name().toLowerCase());
        }
        List<ObservedVm> vms = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String at = "entry " + i;
            if (!e.isObject()) {
                throw new InvalidInventoryException(at + ": expected an object, got " + e.getNodeType().name().toLowerCase());
            }
            String type = e.path("type").asText("qemu");
            if (e.hasNonNull("id") && type.equals("qemu") && e.get("id").asText().startsWith("lxc/")) {
                type = "lxc";
            }
            if (!type.equals("qemu")) {
                continue;
            }
            int vmid = integer(e, "vmid", at);
            at = "entry " + i + " (vmid " + vmid + ")";
            List<String> tags = tags(e.get("tags"));
            // fleetplane inventory --json names the sizes cores / memoryBytes / diskBytes.
            String cpu = e.has("maxcpu") || !e.has("cores") ? "maxcpu" : "cores";
            String mem = e.has("maxmem") || !e.has("memoryBytes") ? "maxmem" : "memoryBytes";
            String disk = e.has("maxdisk") || !e.has("diskBytes") ? "maxdisk" : "diskBytes";
            vms.add(new ObservedVm(vmid, e.path("name").asText(null), text(e, "node", at),
                    e.path("status").asText("unknown"), truthy(e.get("template")),
                    (int) number(e, cpu, at), number(e, mem, at), number(e, disk, at), tags,
                    e.hasNonNull("lock") ? e.get("lock").asText() : null, config(e.get("config"), at)));
        }
        vms.sort(Comparator.comparingInt(ObservedVm::vmid).thenComparing(ObservedVm::node));
        return List.copyOf(vms);
    }

    /** Every value as text, as the adapter publishes configs; null when the entry has none. */
    private static java.util.Map<String, String> config(JsonNode v, String at) throws InvalidInventoryException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new InvalidInventoryException(at + ": config must be an object of Proxmox config keys");
        }
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        v.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText()
                : f.getValue().toString()));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Proxmox writes {@code "a;b"}; fleetplane inventory --json a list. */
    private static List<String> tags(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            v.forEach(t -> out.add(t.asText()));
            return out.stream().filter(t -> !t.isBlank()).toList();
        }
        return Arrays.stream(v.asText().split("[;, ]+")).filter(t -> !t.isEmpty()).toList();
    }

    private static int integer(JsonNode e, String field, String at) throws InvalidInventoryException {
        JsonNode v = e.get(field);
        if (v != null && v.isTextual()) {
            try {
                return Integer.parseInt(v.textValue());
            } catch (NumberFormatException ex) {
                throw new InvalidInventoryException(at + ": " + field + " must be an integer, got \"" + v.textValue() + "\"");
            }
        }
        if (v == null || !v.canConvertToInt()) {
            throw new InvalidInventoryException(at + ": " + field + (v == null ? " is missing" : " must be an integer"));
        }
        return v.intValue();
    }

    /** Proxmox omits sizes it does not know (a VM being cloned): zero then. */
    private static long number(JsonNode e, String field, String at) throws InvalidInventoryException {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue());
            } catch (NumberFormatException ex) {
                // fall through to the error
            }
        }
        throw new InvalidInventoryException(at + ": " + field + " must be a number, got " + v);
    }

    private static String text(JsonNode e, String field, String at) throws InvalidInventoryException {
        JsonNode v = e.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw new InvalidInventoryException(at + ": " + field + " is missing");
        }
        return v.textValue();
    }

    private static boolean truthy(JsonNode v) {
        return v != null && (v.asInt(0) == 1 || v.asBoolean(false));
    }
}
