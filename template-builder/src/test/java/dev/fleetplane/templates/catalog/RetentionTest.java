package dev.fleetplane.templates.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private static TemplateRow t(int vmid, int daysOld, Integer clonedDaysAgo, int inUse, boolean promoted) {
        return new TemplateRow("nixos", "pve", vmid, "b" + vmid, "x", "r", "sftp", NOW.minus(Duration.ofDays(daysOld)),
                promoted ? NOW.minus(Duration.ofDays(daysOld)) : null, null, false, inUse,
                clonedDaysAgo == null ? null : NOW.minus(Duration.ofDays(clonedDaysAgo)));
    }

    @Test
    void keepsTheNewest_theUsed_theRecentlyCloned_andThePromoted() {
        List<TemplateRow> all = List.of(
                t(9050, 1, null, 0, false), t(9049, 2, null, 0, false), t(9048, 3, null, 0, false),
                t(9047, 40, null, 0, false),          // old, never cloned: goes
                t(9046, 50, 5, 0, false),             // cloned 5 days ago: stays
                t(9045, 60, null, 2, false),          // two VMs came from it: stays
                t(9044, 70, null, 0, true),           // promoted last: stays
                t(9043, 80, 45, 0, false));           // cloned long ago: goes
        List<Integer> doomed = Retention.doomed(all, 3, Duration.ofDays(30), NOW).stream().map(TemplateRow::vmid)
                .toList();
        assertEquals(List.of(9047, 9043), doomed);
    }

    @Test
    void fewerThanKeep_deletesNothing() {
        assertEquals(List.of(), Retention.doomed(List.of(t(1, 400, null, 0, false)), 3, Duration.ofDays(1), NOW));
    }
}
