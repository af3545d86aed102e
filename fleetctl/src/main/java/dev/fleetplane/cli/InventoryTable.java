package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders {@code fleetplane inventory}'s rows as an aligned table (like {@code status}) or as a JSON array. */
final class InventoryTable {

    private static final List<String> HEADER = List.of("VMID", "NAME", "NODE", "STATUS", "TEMPLATE", "CORES", "MEMORY",
            "DISK");
    private static final List<String> ADDRESS_HEADER = List.of("IP", "NOTE");
    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;

    private InventoryTable() {
    }

    static String render(List<InventoryRow> rows, boolean withAddresses) {
        List<List<String>> lines = new ArrayList<>();
        List<String> header = new ArrayList<>(HEADER);
        if (withAddresses) {
            header.addAll(ADDRESS_HEADER);
        }
        lines.add(header);
        for (InventoryRow r : rows) {
            ClusterVm vm = r.vm();
            List<String> line = new ArrayList<>(List.of(Integer.toString(vm.vmid()), orDash(vm.name()), orDash(vm.node()),
                    vm.lock() == null || vm.lock().isEmpty() ? vm.status() : vm.status() + " (lock: " + vm.lock() + ")",
                    vm.template() ? "yes" : "no", vm.maxCpu() > 0 ? Integer.toString(vm.maxCpu()) : "-",
                    size(vm.maxMemBytes()), size(vm.maxDiskBytes())));
            if (withAddresses) {
                InventoryRow.Address a = r.address();
                line.add(a == null ? "-" : orDash(a.chosenIp()));
                line.add(a == null ? "" : a.note() == null ? "" : a.note());
            }
            lines.add(line);
        }
        return Columns.align(lines);
    }

    /** A JSON array, one object per guest; sizes in bytes, as Proxmox reports them. */
    static ArrayNode json(List<InventoryRow> rows, boolean withAddresses) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (InventoryRow r : rows) {
            ClusterVm vm = r.vm();
            ObjectNode o = out.addObject();
            o.put("vmid", vm.vmid());
            o.put("name", vm.name());
            o.put("node", vm.node());
            o.put("type", vm.type());
            o.put("status", vm.status());
            o.put("lock", vm.lock());
            o.put("template", vm.template());
            o.put("cores", vm.maxCpu());
            o.put("memoryBytes", vm.maxMemBytes());
            o.put("diskBytes", vm.maxDiskBytes());
            vm.tags().forEach(o.putArray("tags")::add);
            if (withAddresses) {
                InventoryRow.Address a = r.address();
                o.put("ip", a == null ? null : a.chosenIp());
                o.put("interface", a == null ? null : a.chosenInterface());
                o.put("note", a == null ? null : a.note());
                ArrayNode all = o.putArray("addresses");
                if (a != null) {
                    for (GuestIpChoice.ReportedAddress ra : a.addresses()) {
                        ObjectNode x = all.addObject();
                        x.put("interface", ra.interfaceName());
                        x.put("mac", ra.mac());
                        x.put("ip", ra.ip());
                        x.put("family", ra.family());
                        x.put("prefix", ra.prefix());
                    }
                }
            }
        }
        return out;
    }

    /** Whole GiB as {@code 8G}, else one decimal; below a GiB in MiB; 0 (unknown) as {@code -}. */
    static String size(long bytes) {
        if (bytes <= 0) {
            return "-";
        }
        if (bytes >= GIB) {
            return bytes % GIB == 0 ? bytes / GIB + "G" : String.format(Locale.ROOT, "%.1fG", (double) bytes / GIB);
        }
        return bytes % MIB == 0 ? bytes / MIB + "M" : String.format(Locale.ROOT, "%.1fM", (double) bytes / MIB);
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
