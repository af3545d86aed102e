package dev.fleetplane.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackStartFailureIT {

    @Test
    void busyKafkaPort_failsNamingKafkaAndThePort(@TempDir Path tmp) throws Exception {
        try (var busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path work = tmp.resolve("stack");
            var e = assertThrows(LocalStackException.class, () -> LocalStack.start(
                    LocalStackOptions.defaults().kafkaPort(busy.getLocalPort()).workDir(work)));
            assertTrue(e.getMessage().startsWith("kafka: port " + busy.getLocalPort() + " on 127.0.0.1 is already in use"),
                    e.getMessage());
            assertFalse(Files.exists(work), "nothing is created before the ports are known");
        }
    }

    @Test
    void busyPostgresPort_failsNamingPostgresAndThePort(@TempDir Path tmp) throws Exception {
        try (var busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            var e = assertThrows(LocalStackException.class, () -> LocalStack.start(
                    LocalStackOptions.defaults().postgresPort(busy.getLocalPort()).workDir(tmp.resolve("stack"))));
            assertTrue(e.getMessage().startsWith("postgres: port " + busy.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void missingPostgresBinaries_sayHowToInstallThem(@TempDir Path emptyBin) {
        var e = assertThrows(LocalStackException.class, () -> LocalStack.start(
                LocalStackOptions.defaults().postgresBinDir(emptyBin)));
        assertTrue(e.getMessage().contains("apt-get install -y postgresql"), e.getMessage());
        assertTrue(e.getMessage().contains(emptyBin.toString()), e.getMessage());
    }

    @Test
    void failingInitdb_stopsTheBrokerAndKeepsOnlyTheLogs() throws Exception {
        Path bin = Files.createTempDirectory("fleetplane-fake-pg-");
        Path work = Files.createTempDirectory("fleetplane-failure-it-");
        try {
            Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String name : new String[] {"initdb", "pg_ctl", "postgres"}) {
                Path script = Files.writeString(bin.resolve(name), "#!/bin/sh\necho 'fake " + name + ": disk full'\nexit 1\n");
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            var e = assertThrows(LocalStackException.class, () -> LocalStack.start(
                    LocalStackOptions.defaults().postgresBinDir(bin).workDir(work)));

            assertTrue(e.getMessage().startsWith("postgres: initdb failed with exit code 1"), e.getMessage());
            assertTrue(e.getMessage().contains("fake initdb: disk full"), e.getMessage());
            assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine()
                    .map(c -> c.contains(work.toString())).orElse(false)), "no process of the failed stack runs");
            assertTrue(Files.exists(work.resolve("kafka").resolve("broker.log")), "the broker log is kept");
            assertFalse(Files.exists(work.resolve("kafka").resolve("data")), "the broker data is removed");
        } finally {
            for (Path dir : new Path[] {bin, work}) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void foreignNonEmptyWorkDir_isNotTouched(@TempDir Path tmp) throws Exception {
        Path precious = Files.writeString(tmp.resolve("notes.txt"), "mine");
        var e = assertThrows(LocalStackException.class, () -> LocalStack.start(LocalStackOptions.defaults().workDir(tmp)));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(Files.exists(precious));
    }
}
