package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.bench.faults.FaultMatrix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix's subset (bench/faults.sh runs the whole; docs/fault-matrix.md has its table): one
 * {@code ./fleetplane up} on the simulator, then one cell after another on it, each with a fresh host: the planner,
 * the adapter, the provisioner, the template builder and the console gateway each SIGKILLed once at a step of the
 * host's way to Ready, and the Kafka broker and PostgreSQL each once; {@code up} starts every one of them again.
 * Every cell must end with every host Ready, one VmCloned/VmConfigured/VmStarted/ProvisioningSucceeded per host, one
 * clone request per new VM in the simulator's request log and one VM per host in its list.
 */
class FaultMatrixE2EIT {

    private final Path repo = Path.of(System.getProperty("fleetplane.home", "..")).toAbsolutePath().normalize();

    @Test
    void everyServiceAndBothDataStores_killedMidWay_leaveEveryHostReadyWithEachEffectOnce() throws Exception {
        List<FaultMatrix.Result> results;
        String upErr;
        try (FaultMatrix matrix = new FaultMatrix(repo, 1, Duration.ofMinutes(6), System.out)) {
            matrix.start(Duration.ofMinutes(5));
            results = matrix.run(FaultMatrix.subset());
            upErr = matrix.upErr();
        }
        String table = FaultMatrix.table(results);
        System.out.println(table);
        assertEquals(FaultMatrix.subset().size(), results.size());
        assertTrue(results.stream().allMatch(FaultMatrix.Result::green), table + "\nup's stderr:\n" + upErr);
        // Each kill was noticed and the killed part started again by up.
        for (String target : List.of("planner-service", "proxmox-adapter", "provisioner-service", "template-builder",
                "console-gateway", "kafka", "postgres")) {
            assertTrue(upErr.contains(target + " is ready again (restart 1)"), target + " was not restarted:\n" + upErr);
        }
    }
}
