package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sessions_areOneLineEach_withDurationBytesKeyboardPeriodsAndReason() throws Exception {
        String body = """
                [{"session":"b","host":"web","vmid":101,"node":"pve","operator":"alice","from":"127.0.0.1",
                  "backend":"pve-api","access":"write","openedAt":"2026-12-07T19:50:00Z","closedAt":null,
                  "bytesIn":12,"bytesOut":3456,"closeReason":null,
                  "writeLock":[{"from":"2026-12-07T19:50:00Z","to":null}]},
                 {"session":"a","host":"db","vmid":102,"node":"pve","operator":"bob","from":"10.0.0.7",
                  "backend":"node-ssh","access":"read","openedAt":"2026-12-07T19:40:00.250Z",
                  "closedAt":"2026-12-07T19:42:05.250Z","bytesIn":0,"bytesOut":99,"closeReason":"client left",
                  "writeLock":[{"from":"2026-12-07T19:40:01Z","to":"2026-12-07T19:41:00Z"},
                               {"from":"2026-12-07T19:41:30Z","to":"2026-12-07T19:42:00Z"}]}]
                """;
        String table = ConsoleSessionsTable.render(JSON.readTree(body), Instant.parse("2026-12-07T19:51:10Z"));
        String[] lines = table.split(System.lineSeparator());
        assertEquals(3, lines.length, table);
        assertEquals("OPERATOR  HOST  FROM       OPENED                DURATION       IN  OUT   KEYBOARD"
                + "                              CLOSE REASON", lines[0]);
        assertEquals("alice     web   127.0.0.1  2026-12-07 19:50:00Z  1m 10s (open)  12  3456  19:50:00-now"
                + "                          -", lines[1]);
        assertEquals("bob       db    10.0.0.7   2026-12-07 19:40:00Z  2m 5s          0   99    19:40:01-19:41:00,"
                + " 19:41:30-19:42:00  client left", lines[2]);
    }

    @Test
    void noSessions_saysSo() throws Exception {
        assertEquals("no console sessions" + System.lineSeparator(),
                ConsoleSessionsTable.render(JSON.readTree("[]"), Instant.now()));
    }

    @Test
    void neverHeldTheKeyboard_isADash() throws Exception {
        assertEquals("-", ConsoleSessionsTable.periods(JSON.readTree("[]")));
    }
}
