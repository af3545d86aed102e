package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryTableTest {

    private static final long GIB = 1024L * 1024 * 1024;

    private static ClusterVm vm(int vmid, String name, String status, boolean template, String lock) {
        return new ClusterVm("qemu/" + vmid, "qemu", vmid, name, "pve", status, template, 2, 4 * GIB, 32 * GIB,
                List.of("fleet"), lock);
    }

    private static final InventoryRow.Address WEB_IP = new InventoryRow.Address("192.168.1.50", "ens18",
            List.of(new GuestIpChoice.ReportedAddress("lo", "00:00:00:00:00:00", "127.0.0.1", "ipv4", 8),
                    new GuestIpChoice.ReportedAddress("ens18", "bc:24:11:00:00:01", "192.168.1.50", "ipv4", 24)),
            null);

    @Test
    void render_alignsColumnsUnderTheHeader() {
        String out = InventoryTable.render(List.of(
                new InventoryRow(vm(9003, "nixos-template", "stopped", true, null), null),
                new InventoryRow(vm(111, "web-1", "running", false, null), null)), false);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(0).startsWith("VMID  NAME"), out);
        assertTrue(lines.get(0).endsWith("DISK"), out);
        int nodeColumn = lines.get(0).indexOf("NODE");
        assertEquals("pve", lines.get(1).substring(nodeColumn, nodeColumn + 3), out);
        assertTrue(lines.get(1).matches("9003\\s+nixos-template\\s+pve\\s+stopped\\s+yes\\s+2\\s+4G\\s+32G"), out);
        assertTrue(lines.get(2).matches("111\\s+web-1\\s+pve\\s+running\\s+no\\s+2\\s+4G\\s+32G"), out);
    }

    @Test
    void render_withAddresses_showsChosenIpAndWhyNoneWasChosen() {
        String out = InventoryTable.render(List.of(
                new InventoryRow(vm(111, "web-1", "running", false, null), WEB_IP),
                new InventoryRow(vm(112, "db-1", "running", false, "backup"),
                        InventoryRow.Address.failed("guest agent not running")),
                new InventoryRow(vm(113, "off-1", "stopped", false, null), null)), true);
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).matches("VMID\\s+NAME.*DISK\\s+IP\\s+NOTE"), out);
        assertTrue(lines.get(1).matches("111\\s+web-1.*32G\\s+192\\.168\\.1\\.50"), out);
        assertTrue(lines.get(2).matches("112\\s+db-1\\s+pve\\s+running \\(lock: backup\\).*32G\\s+-\\s+guest agent not running"),
                out);
        assertTrue(lines.get(3).matches("113\\s+off-1.*32G\\s+-"), out);
    }

    @Test
    void size_printsWholeGibibytesPlainAndTheRestWithOneDecimal() {
        assertEquals("8G", InventoryTable.size(8 * GIB));
        assertEquals("1.5G", InventoryTable.size(3 * GIB / 2));
        assertEquals("512M", InventoryTable.size(512L * 1024 * 1024));
        assertEquals("-", InventoryTable.size(0));
    }

    @Test
    void json_isOneObjectPerGuestWithBytesAndAllAddresses() {
        JsonNode arr = InventoryTable.json(List.of(
                new InventoryRow(vm(111, "web-1", "running", false, null), WEB_IP),
                new InventoryRow(vm(9003, "tpl", "stopped", true, null), null)), true);
        assertEquals(2, arr.size());
        JsonNode web = arr.get(0);
        assertEquals(111, web.get("vmid").asInt());
        assertEquals("web-1", web.get("name").asText());
        assertEquals("pve", web.get("node").asText());
        assertEquals("running", web.get("status").asText());
        assertEquals(false, web.get("template").asBoolean());
        assertEquals(2, web.get("cores").asInt());
        assertEquals(4 * GIB, web.get("memoryBytes").asLong());
        assertEquals(32 * GIB, web.get("diskBytes").asLong());
        assertEquals("192.168.1.50", web.get("ip").asText());
        assertEquals("ens18", web.get("interface").asText());
        assertEquals(2, web.get("addresses").size());
        assertEquals("127.0.0.1", web.get("addresses").get(0).get("ip").asText());
        JsonNode tpl = arr.get(1);
        assertTrue(tpl.get("template").asBoolean());
        assertTrue(tpl.get("ip").isNull());
        assertEquals(0, tpl.get("addresses").size());
    }

    @Test
    void json_withoutAddresses_hasNoAddressFields() {
        JsonNode arr = InventoryTable.json(List.of(new InventoryRow(vm(111, "web-1", "running", false, null), null)),
                false);
        assertTrue(!arr.get(0).has("ip") && !arr.get(0).has("addresses"), arr.toString());
    }
}
