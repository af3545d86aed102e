package dev.fleetplane.console.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    @Test
    void doublesFromTheFirstDelayUpToTheMaximum_thenGivesUp() {
        ReconnectPolicy p = ReconnectPolicy.DEFAULT;
        assertEquals(Optional.of(Duration.ofSeconds(1)), p.delayBefore(1));
        assertEquals(Optional.of(Duration.ofSeconds(2)), p.delayBefore(2));
        assertEquals(Optional.of(Duration.ofSeconds(8)), p.delayBefore(4));
        assertEquals(Optional.of(Duration.ofSeconds(15)), p.delayBefore(5));
        assertEquals(Optional.of(Duration.ofSeconds(15)), p.delayBefore(6));
        assertEquals(Optional.empty(), p.delayBefore(7));
        assertEquals(Optional.empty(), p.delayBefore(0));
    }

    @Test
    void refusesDelaysOutOfOrder() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(-1, Duration.ZERO, Duration.ZERO));
    }
}
