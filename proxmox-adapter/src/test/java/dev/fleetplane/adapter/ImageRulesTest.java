package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.importvm.ImportRules;
import dev.fleetplane.adapter.upload.ProgressSteps;
import dev.fleetplane.adapter.upload.UploadRules;
import dev.fleetplane.events.pve.ImportVm;
import dev.fleetplane.events.pve.UploadImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of UploadImage (fields, progress steps) and ImportVm (fields, create parameters); pure. */
class ImageRulesTest {

    private static final long MIB = 1024 * 1024;
    private static final String SHA = "a".repeat(64);

    /** The bytes at which an upload of {@code total} fed in {@code chunk}-byte writes publishes progress. */
    private static List<Long> published(long total, long chunk) {
        ProgressSteps steps = new ProgressSteps(total);
        List<Long> out = new ArrayList<>();
        for (long sent = Math.min(chunk, total); ; sent = Math.min(sent + chunk, total)) {
            if (steps.due(sent)) {
                out.add(sent);
            }
            if (sent == total) {
                return out;
            }
        }
    }

    @Test
    void progress_aBigImage_publishesAboutEvery8Percent_neverMoreThan13Times_endingAtTheLastByte() {
        long total = 10L * 1024 * MIB + 17;
        List<Long> at = published(total, 256 * 1024);
        assertTrue(at.size() <= ProgressSteps.PARTS + 1, at.toString());
        assertTrue(at.size() >= ProgressSteps.PARTS - 1, at.toString());
        assertEquals(total, at.get(at.size() - 1));
        for (int i = 1; i < at.size() - 1; i++) {
            long gap = at.get(i) - at.get(i - 1);
            assertTrue(gap >= total / 13 && gap <= total / 11, "about 8 %: " + gap);
        }
    }

    @Test
    void progress_aSmallImage_stepsAtLeastOneMib_andHugeChunksNeverSkipTheEnd() {
        assertEquals(List.of(MIB, 2 * MIB, 3 * MIB, 3 * MIB + 5), published(3 * MIB + 5, 64 * 1024));
        assertEquals(List.of(100L), published(100, 7));
        assertEquals(List.of(40 * MIB), published(40 * MIB, 40 * MIB), "one write of everything: one event");
    }

    @Test
    void upload_fieldsAreCheckedByName() {
        Checks ok = UploadRules.check(new UploadImage("pve", "local", "/tmp/x.qcow2", "nixos-25.05.qcow2", SHA), "t");
        assertTrue(ok.ok(), ok.message());
        assertTrue(UploadRules.check(new UploadImage("pve", "local", "/tmp/x", "x.RAW".toLowerCase(), null), "t").ok());
        String bad = UploadRules.check(new UploadImage("pve 1", "lo cal", "x.qcow2", "a b.qcow2", "xyz"), "t").message();
        assertTrue(bad.contains("node 'pve 1'"), bad);
        assertTrue(bad.contains("storage 'lo cal'"), bad);
        assertTrue(bad.contains("path 'x.qcow2' is not an absolute path"), bad);
        assertTrue(bad.contains("filename 'a b.qcow2' must end in .qcow2, .raw, .vmdk or .ova"), bad);
        assertTrue(bad.contains("sha256 'xyz' is not 64 hex digits"), bad);
        String slash = UploadRules.check(new UploadImage("pve", "local", "/x", "../x.qcow2", null), "t").message();
        assertTrue(slash.contains("must not contain '/'"), slash);
        assertFalse(slash.contains("must end in"), "one problem named once: " + slash);
        assertTrue(UploadRules.check(new UploadImage("pve", "local", "/x", null, null), "t").message()
                .contains("filename is missing"));
        assertEquals("local:import/n.qcow2", UploadRules.volid("local", "n.qcow2"));
        assertEquals("upload of /w/n.qcow2 to local:import/n.qcow2 on node pve was cut after 1048576 of 33554432 bytes:"
                + " upload failed: POST … got no answer", UploadRules.cut("/w/n.qcow2", "local:import/n.qcow2", "pve",
                1048576, 33554432, "upload failed: POST … got no answer"));
    }

    @Test
    void import_onlyIde2MayBeADriveBesideTheImportedDisk_andTheCreateNamesTheImport() {
        ImportVm good = new ImportVm("pve", null, "cand", "local:import/n.qcow2", "local-lvm", "virtio0",
                Map.of("ide2", "local-lvm:cloudinit", "net0", "virtio,bridge=vmbr0", "serial0", "socket"));
        assertTrue(ImportRules.check(good, "t").ok(), ImportRules.check(good, "t").message());
        assertEquals(Map.of("name", "cand", "virtio0", "local-lvm:0,import-from=local:import/n.qcow2",
                "ide2", "local-lvm:cloudinit", "net0", "virtio,bridge=vmbr0", "serial0", "socket"),
                ImportRules.createParameters(good));

        String bad = ImportRules.check(new ImportVm("pve", 0, "bad name!", "no-volume", "", "ide2",
                Map.of("sata1", "local-lvm:4", "tpmstate0", "x", "unused0", "y", "vmid", "5", "virtio1", "z",
                        "agent", "")), "t").message();
        for (String named : List.of("name 'bad name!'", "importFrom 'no-volume'", "storage ''",
                "diskKey 'ide2' is kept", "'sata1' is a drive", "'tpmstate0' is a drive", "'unused0' is a drive",
                "'virtio1' is a drive", "'vmid' is not allowed", "value of 'agent' is empty")) {
            assertTrue(bad.contains(named), named + " in " + bad);
        }
        String self = ImportRules.check(new ImportVm("pve", 0, null, "local:import/n.raw", "local-lvm", "scsi0",
                Map.of("scsi0", "local-lvm:8")), "t").message();
        assertTrue(self.contains("config key 'scsi0' is the imported disk itself"), self);
    }
}
