package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code up --sim-chaos} and {@code --replicas}: a wrong value or a real cluster is refused before anything starts. */
class UpOptionsTest {

    @TempDir
    Path dir;

    private String refusal(String... args) throws Exception {
        Path config = Files.writeString(dir.resolve("config.toml"), "");
        StringWriter err = new StringWriter();
        CommandLine cli = FleetctlMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 3];
        all[0] = "up";
        all[1] = "--config";
        all[2] = config.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        assertEquals(1, cli.execute(all), err.toString());
        return err.toString();
    }

    @Test
    void aRateOutside0To1_isRefusedNamingTheOption() throws Exception {
        String err = refusal("--sim-chaos", "1.5");
        assertTrue(err.contains("--sim-chaos: the rate must be within 0..1 and the stall at least 0, got '1.5'"), err);
    }

    @Test
    void notANumber_isRefusedWithTheForm() throws Exception {
        String err = refusal("--sim-chaos", "lots");
        assertTrue(err.contains("--sim-chaos needs RATE or RATE:STALL_MS (e.g. 0.2 or 0.2:1500), got 'lots'"), err);
    }

    @Test
    void aRealCluster_cannotBeMadeToMisbehave() throws Exception {
        String err = refusal("--pve-url", "https://pve.example:8006", "--sim-chaos", "0.2");
        assertTrue(err.contains("--sim-chaos: only the simulator can be made to misbehave; https://pve.example:8006"
                + " (from --pve-url) is a real cluster"), err);
    }

    @Test
    void replicas_moreThanTheWorkTopicsHavePartitions_isRefusedSayingWhy() throws Exception {
        String err = refusal("--replicas", "7");
        assertTrue(err.contains("--replicas must be 1..6, got 7: the work topics (pve.commands, provisioning.commands)"
                + " have 6 partitions"), err);
        assertTrue(refusal("--replicas", "0").contains("--replicas must be 1..6, got 0"));
    }
}
