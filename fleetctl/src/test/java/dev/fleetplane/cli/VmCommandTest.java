package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VmCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final JsonNode HOSTS = json("""
            [{"fleet": "home", "host": "web", "vmid": 111, "state": "Ready"},
             {"fleet": "home", "host": "old", "vmid": 120, "state": "Gone"},
             {"fleet": "lab", "host": "db", "vmid": 212, "state": "Adopted"},
             {"fleet": "home", "host": "db", "vmid": 112, "state": "Ready"}]""");
    static final JsonNode VMS = json("""
            [{"vmid": 111, "name": "web"}, {"vmid": 150, "name": "hand-made"},
             {"vmid": 160, "name": "twin"}, {"vmid": 161, "name": "twin"}, {"vmid": 120, "name": "old"}]""");

    static Supplier<JsonNode> noPlanner() {
        return () -> {
            throw new CliException("no running stack found");
        };
    }

    // ---- HOST|VMID ----

    @Test
    void aNumber_isAVmid_anythingElseAHostName_andBadValuesAreNamed() {
        assertEquals(new VmTarget(null, 111), VmTarget.parse("111"));
        assertEquals(new VmTarget("web-1", 0), VmTarget.parse("web-1"));
        assertEquals("VMID must be between 100 and 999999999, got 42",
                assertThrows(CliException.class, () -> VmTarget.parse("42")).getMessage());
        assertEquals("VMID must be between 100 and 999999999, got 99999999999",
                assertThrows(CliException.class, () -> VmTarget.parse("99999999999")).getMessage());
        assertEquals("expected a host name (letters, digits, '-') or a VMID, got 'web;rm'",
                assertThrows(CliException.class, () -> VmTarget.parse("web;rm")).getMessage());
    }

    @Test
    void aHostName_resolvesThroughThePlannersHosts_thenAVmOfThatName() {
        assertEquals(111, VmTarget.parse("web").resolve(null, () -> HOSTS, () -> VMS));
        assertEquals(212, VmTarget.parse("db").resolve("lab", () -> HOSTS, () -> VMS));
        assertEquals(150, VmTarget.parse("hand-made").resolve(null, () -> HOSTS, () -> VMS), "a VM name, no host");
        assertEquals(120, VmTarget.parse("old").resolve(null, () -> HOSTS, () -> VMS), "a Gone host is no host");
        assertEquals(111, VmTarget.parse("web").resolve(null, noPlanner(), () -> VMS), "no planner: VM names");
        assertEquals(150, VmTarget.parse("150").resolve(null, noPlanner(), noPlanner()), "a VMID asks nobody");
    }

    @Test
    void anAmbiguousOrUnknownName_isRefusedSayingWhatToDo() {
        assertEquals("host db is in several fleets (lab, home) with VMIDs [112, 212]; pass --fleet or the VMID",
                assertThrows(CliException.class, () -> VmTarget.parse("db").resolve(null, () -> HOSTS, () -> VMS))
                        .getMessage());
        assertEquals("no host twin, and several VMs are named twin (VMIDs [160, 161]); name the VMID",
                assertThrows(CliException.class, () -> VmTarget.parse("twin").resolve(null, () -> HOSTS, () -> VMS))
                        .getMessage());
        assertEquals("no host nope (the planner was not asked: no running stack found) and no VM named nope in Proxmox",
                assertThrows(CliException.class, () -> VmTarget.parse("nope").resolve(null, noPlanner(), () -> VMS))
                        .getMessage());
    }

    // ---- actions ----

    @Test
    void anAction_goesToTheHostOrVmidPowerEndpoint_withActionAndForce() {
        assertEquals("/api/v1/hosts/web/power", VmCommand.Power.path(VmTarget.parse("web"), null));
        assertEquals("/api/v1/hosts/web/power?fleet=lab", VmCommand.Power.path(VmTarget.parse("web"), "lab"));
        assertEquals("/api/v1/vms/150/power", VmCommand.Power.path(VmTarget.parse("150"), "lab"));
        assertEquals("{\"action\":\"reboot\",\"force\":true}", VmCommand.Power.body("reboot", true).toString());
    }

    @Test
    void theCommandLine_parsesForceNoWaitAndFleet_andNeedsATarget() {
        CommandLine cli = FleetctlMain.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("vm", "reboot", "web", "--force", "--no-wait", "--fleet", "lab");
        VmCommand.Power reboot = (VmCommand.Power) parsed.subcommand().subcommand().commandSpec().userObject();
        assertEquals("reboot", reboot.action());
        assertEquals("web", reboot.target);
        assertTrue(reboot.force);
        assertTrue(reboot.noWait);
        assertEquals("lab", reboot.fleet);

        StringWriter err = new StringWriter();
        cli = FleetctlMain.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("vm", "stop"));
        assertTrue(err.toString().contains("Missing required parameter: 'HOST|VMID'"), err.toString());
        assertTrue(cli.getSubcommands().containsKey("next-vmid"));
        assertEquals(List.of("list", "status", "config", "start", "stop", "shutdown", "reboot"),
                List.copyOf(cli.getSubcommands().get("vm").getSubcommands().keySet()));
    }

    @Test
    void anExplicitAdapterUrl_winsOverEnvironmentAndStack() {
        assertEquals("http://127.0.0.1:9999", StackFile.adapterUrl("http://127.0.0.1:9999"));
    }

    // ---- outcomes ----

    static final JsonNode ACCEPTED_WEB = json("""
            {"fleet": "home", "host": "web", "vmid": 111, "node": "pve", "action": "reboot", "commandId": "c-1",
             "correlationId": "power-1"}""");
    static final JsonNode ACCEPTED_VM = json("""
            {"fleet": null, "host": null, "vmid": 150, "name": "hand-made", "node": "pve", "action": "shutdown", "commandId": "c-2",
             "correlationId": "power-2"}""");

    @Test
    void theOutcome_isTheEventCausedByTheCommand() {
        JsonNode events = json("""
                [{"type": "fleetplane.inventory.sync-requested.v1", "causationId": null, "data": {}},
                 {"type": "fleetplane.vm.rebooted.v1", "causationId": "other", "data": {"upid": "UPID:x"}},
                 {"type": "fleetplane.vm.rebooted.v1", "causationId": "c-1",
                  "data": {"node": "pve", "vmid": 111, "upid": "UPID:pve:1:2:3:qmreboot:111:root@pam:"}}]""");
        assertEquals(Optional.of(new PowerOutcome(true, "web (VMID 111 on pve): rebooted (UPID:pve:1:2:3:qmreboot:111:root@pam:)")),
                PowerOutcome.find(events, "c-1", ACCEPTED_WEB));
        assertEquals(Optional.empty(), PowerOutcome.find(json("[]"), "c-1", ACCEPTED_WEB));
    }

    @Test
    void aShutdown_saysWhetherTheGuestShutDownOrWasStoppedHard() {
        JsonNode graceful = json("""
                [{"type": "fleetplane.vm.stopped.v1", "causationId": "c-2", "data": {"graceful": true, "upid": "U1"}}]""");
        JsonNode hard = json("""
                [{"type": "fleetplane.vm.stopped.v1", "causationId": "c-2", "data": {"graceful": false, "upid": "U2"}}]""");
        JsonNode already = json("""
                [{"type": "fleetplane.vm.stopped.v1", "causationId": "c-2", "data": {"graceful": true, "upid": null}}]""");
        assertEquals("VM 150 (hand-made) on pve: shut down (U1)", PowerOutcome.find(graceful, "c-2", ACCEPTED_VM).orElseThrow().message());
        assertEquals("VM 150 (hand-made) on pve: stopped hard: the guest did not shut down in time (U2)",
                PowerOutcome.find(hard, "c-2", ACCEPTED_VM).orElseThrow().message());
        assertEquals("VM 150 (hand-made) on pve: already stopped", PowerOutcome.find(already, "c-2", ACCEPTED_VM).orElseThrow().message());
    }

    @Test
    void aFailure_isNotOk_andNamesTheFailureAndProxmoxsMessage() {
        JsonNode failed = json("""
                [{"type": "fleetplane.pve.operation-failed.v1", "causationId": "c-1",
                  "data": {"operation": "reboot", "failure": "vm-not-running", "message": "VM 111 not running"}}]""");
        PowerOutcome o = PowerOutcome.find(failed, "c-1", ACCEPTED_WEB).orElseThrow();
        assertEquals(false, o.ok());
        assertEquals("web (VMID 111 on pve): reboot failed (vm-not-running): VM 111 not running", o.message());
    }

    // ---- rendering ----

    @Test
    void theList_isAnAlignedTable_withSizesUptimeAndLock() {
        String out = VmTable.list(json("""
                [{"vmid": 111, "name": "web", "node": "pve", "type": "qemu", "status": "running", "template": false,
                  "tags": ["fleetplane", "web"], "lock": null, "maxmem": 4294967296, "maxcpu": 2, "maxdisk": 34359738368,
                  "uptime": 7384},
                 {"vmid": 9003, "name": "nixos-template", "node": "pve", "type": "qemu", "status": "stopped",
                  "template": true, "tags": [], "lock": "clone", "maxmem": 2147483648, "maxcpu": 1, "maxdisk": 8589934592,
                  "uptime": 0}]"""));
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(0).matches("VMID\\s+NAME\\s+NODE\\s+TYPE\\s+STATUS\\s+TEMPLATE\\s+CORES\\s+MEMORY\\s+DISK\\s+UPTIME\\s+TAGS"), out);
        assertTrue(lines.get(1).matches("111\\s+web\\s+pve\\s+qemu\\s+running\\s+no\\s+2\\s+4G\\s+32G\\s+2h 3m\\s+fleetplane;web"), out);
        assertTrue(lines.get(2).matches("9003\\s+nixos-template\\s+pve\\s+qemu\\s+stopped \\(lock: clone\\)\\s+yes\\s+1\\s+2G\\s+8G\\s+-\\s+-"), out);
        assertEquals(lines.get(0).indexOf("NODE"), lines.get(2).indexOf("pve"), out);
    }

    @Test
    void theConfig_isSortedKeyEqualsValueLines() {
        String out = VmTable.config(json("""
                {"vmid": 111, "node": "pve", "config": {"name": "web", "cores": "2", "agent": "1", "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0"}}"""));
        assertEquals(List.of("agent = 1", "cores = 2", "name = web", "net0 = virtio=BC:24:11:00:00:01,bridge=vmbr0"),
                out.lines().toList());
    }

    @Test
    void theStatus_namesTheVmAndShowsEachField() {
        String out = VmTable.status(json("""
                {"vmid": 111, "name": "web", "node": "pve", "status": "running", "qmpstatus": "paused", "agent": true,
                 "lock": null, "uptime": 65, "template": false, "tags": ["fleetplane"], "maxmem": 2147483648,
                 "maxcpu": 2, "maxdisk": 8589934592}"""));
        List<String> lines = out.lines().toList();
        assertEquals("web (VMID 111 on pve)", lines.get(0));
        assertTrue(lines.contains("status:    running (qmp: paused)"), out);
        assertTrue(lines.contains("uptime:    1m 5s"), out);
        assertTrue(lines.contains("agent:     enabled"), out);
        assertTrue(lines.contains("memory:    2G"), out);
    }

    @Test
    void uptime_isShortAndHuman() {
        assertEquals("-", VmTable.uptime(0));
        assertEquals("12s", VmTable.uptime(12));
        assertEquals("4m 10s", VmTable.uptime(250));
        assertEquals("2h 5m", VmTable.uptime(7500));
        assertEquals("3d 4h", VmTable.uptime(3 * 86400 + 4 * 3600 + 59));
    }
}
