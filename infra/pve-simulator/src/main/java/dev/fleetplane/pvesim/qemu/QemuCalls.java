package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What the {@code /nodes/{node}/qemu/{vmid}/…} handlers read from a call and answer alike. */
final class QemuCalls {

    static final String VM = "/nodes/{node}/qemu/{vmid}";
    /** The disk keys {@code resize} and {@code template} accept ({@code pve-qm-disk} enumeration). */
    static final Pattern DISK = Pattern.compile("ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0");

    private QemuCalls() {
    }

    static List<Map<String, Object>> subdirs(String... names) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : names) {
            out.add(Map.of("subdir", n));
        }
        return out;
    }

    static int vmid(ApiCall call) {
        return Integer.parseInt(call.path("vmid"));
    }

    static boolean skiplock(ApiCall call) {
        boolean skiplock = call.optBool("skiplock", false);
        if (skiplock && !call.user().equals("root@pam")) {
            call.error("skiplock", "Only root may use this option.");
        }
        return skiplock;
    }

    static String diskEnumeration() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i <= 3; i++) all.add("ide" + i);
        for (int i = 0; i <= 5; i++) all.add("sata" + i);
        for (int i = 0; i <= 30; i++) all.add("scsi" + i);
        for (int i = 0; i <= 15; i++) all.add("virtio" + i);
        all.add("efidisk0");
        all.add("tpmstate0");
        return String.join(", ", all);
    }
}
