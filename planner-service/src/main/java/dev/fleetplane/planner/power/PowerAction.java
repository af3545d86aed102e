package dev.fleetplane.planner.power;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A day-2 power action as operators name it ({@code fleetplane vm start|stop|shutdown|reboot}). */
public enum PowerAction {
    /** {@code StartVm}. */
    START,
    /** {@code StopVm} hard: {@code status/stop}, the guest gets no say. */
    STOP,
    /** {@code StopVm} graceful: {@code status/shutdown} with the apply stop timeout, then a hard stop. */
    SHUTDOWN,
    /** {@code RebootVm}: {@code status/reboot}. */
    REBOOT;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PowerAction> parse(String s) {
        return s == null ? Optional.empty()
                : Arrays.stream(values()).filter(a -> a.word().equals(s.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
