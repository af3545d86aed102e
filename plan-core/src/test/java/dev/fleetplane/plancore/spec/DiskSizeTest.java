package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiskSizeTest {

    @Test
    void proxmoxSuffixes_areBinaryUnits() {
        assertEquals(Optional.of(64L << 30), DiskSize.parse("64G"));
        assertEquals(Optional.of(512L << 20), DiskSize.parse("512M"));
        assertEquals(Optional.of(1L << 40), DiskSize.parse("1T"));
        assertEquals(Optional.of(4096L), DiskSize.parse("4096"));
    }

    @Test
    void nonsense_zero_andOverflow_areNotSizes() {
        assertTrue(DiskSize.parse("64GB").isEmpty());
        assertTrue(DiskSize.parse("-1G").isEmpty());
        assertTrue(DiskSize.parse("0G").isEmpty());
        assertTrue(DiskSize.parse("").isEmpty());
        assertTrue(DiskSize.parse("999999999999999T").isEmpty());
    }
}
