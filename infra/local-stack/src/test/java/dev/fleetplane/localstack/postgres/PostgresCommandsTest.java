package dev.fleetplane.localstack.postgres;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresCommandsTest {

    private final Path bin = Path.of("/usr/lib/postgresql/15/bin");

    @Test
    void asRoot_commandsRunAsUserPostgres() {
        var initdb = new PostgresCommands(bin, true).initdb(Path.of("/tmp/s/postgres/data"), Path.of("/tmp/s/postgres/superuser.password"));
        assertEquals(List.of("runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/initdb"), initdb.subList(0, 5));
    }

    @Test
    void asOtherUser_commandsRunDirectly() {
        var initdb = new PostgresCommands(bin, false).initdb(Path.of("/tmp/s/postgres/data"), Path.of("/tmp/s/postgres/superuser.password"));
        assertEquals("/usr/lib/postgresql/15/bin/initdb", initdb.get(0));
    }

    @Test
    void initdb_wantsScramPasswordsFromTheFileAndSkipsSync() {
        var initdb = new PostgresCommands(bin, false).initdb(Path.of("/tmp/d"), Path.of("/tmp/pw"));
        assertTrue(initdb.containsAll(List.of("-D", "/tmp/d", "-U", "postgres", "--auth=scram-sha-256",
                "--pwfile=/tmp/pw", "--no-sync")), initdb.toString());
        assertFalse(initdb.stream().anyMatch(a -> a.contains("trust")), initdb.toString());
    }

    @Test
    void start_listensOnLoopbackWithSocketInTheStackDirAndNoFsync() {
        var start = new PostgresCommands(bin, false).start(Path.of("/tmp/s/data"), Path.of("/tmp/s/postgres.log"), 54321,
                Path.of("/tmp/s"), 30);
        assertEquals("start", start.get(start.size() - 1));
        String options = start.get(start.indexOf("-o") + 1);
        // synchronous_commit stays on: with it off a killed postmaster loses its last commits (the fault matrix).
        assertEquals("-p 54321 -k /tmp/s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", options);
        assertTrue(start.containsAll(List.of("-w", "-t", "30", "-l", "/tmp/s/postgres.log")), start.toString());
    }

    @Test
    void durable_keepsPostgresSafeDefaults() {
        var commands = new PostgresCommands(bin, false, true);
        assertFalse(commands.initdb(Path.of("/tmp/d"), Path.of("/tmp/pw")).contains("--no-sync"));
        var start = commands.start(Path.of("/tmp/s/data"), Path.of("/tmp/s/postgres.log"), 54321, Path.of("/tmp/s"), 30);
        assertEquals("-p 54321 -k /tmp/s -c listen_addresses=127.0.0.1", start.get(start.indexOf("-o") + 1));
    }

    @Test
    void stop_isFast() {
        var stop = new PostgresCommands(bin, false).stop(Path.of("/tmp/d"));
        assertTrue(stop.containsAll(List.of("-m", "fast", "stop")), stop.toString());
    }

    @Test
    void newestVersion_isChosenNumerically() {
        assertEquals(Optional.of("15"), PostgresInstallation.newest(List.of("9.6", "15", "13", "notes")));
        assertEquals(Optional.empty(), PostgresInstallation.newest(List.of()));
    }

    @Test
    void postmasterPid_isTheFirstLine() {
        assertEquals(4711, PostgresServer.postmasterPid("4711\n/tmp/s/data\n1700000000\n5432\n"));
        assertThrows(IllegalArgumentException.class, () -> PostgresServer.postmasterPid(""));
    }
}
