package dev.fleetplane.pvesim;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Supplier;

/**
 * What an IT needs from the machine (a package, a kernel feature). On a developer's machine a missing one skips the
 * test with the fix in the message; where {@code CI=true} it fails, because CI installs everything ({@code .ci/run})
 * and a skipped test there would hide a broken setup.
 */
final class Prerequisites {

    private Prerequisites() {
    }

    static void require(boolean present, Supplier<String> missing) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true and a prerequisite is missing: " + missing.get());
        }
        assumeTrue(false, missing);
    }

    static void require(boolean present, String missing) {
        require(present, () -> missing);
    }
}
