package dev.fleetplane.messaging.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensReloadTest {

    @TempDir
    Path dir;

    Path file;
    Tokens tokens;
    final MovingClock clock = new MovingClock();
    Instant modified = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("tokens");
        write("alice operator " + Tokens.sha256Hex("alice-token") + "\n");
        tokens = new Tokens();
        tokens.file = Optional.of(file);
        tokens.clock = clock;
        tokens.load();
    }

    @Test
    void anAddedToken_isAdmittedOnceTheNextCheckIsDue_withoutARestart() throws IOException {
        assertTrue(tokens.authenticate("bob-token").isEmpty());
        write("alice operator " + Tokens.sha256Hex("alice-token") + "\n"
                + "bob viewer " + Tokens.sha256Hex("bob-token") + " hosts=web*\n");
        assertTrue(tokens.authenticate("bob-token").isEmpty(), "looked at most once a second");
        clock.advance(Tokens.CHECK_EVERY);
        AccessToken bob = tokens.authenticate("bob-token").orElseThrow();
        assertEquals(List.of("web*"), bob.hosts());
        assertTrue(tokens.authenticate("alice-token").isPresent());
    }

    @Test
    void aRevokedOrLimitedToken_changesWithTheFile() throws IOException {
        write("alice viewer " + Tokens.sha256Hex("alice-token") + " expires=2020-01-01\n");
        clock.advance(Tokens.CHECK_EVERY);
        AccessToken alice = tokens.authenticate("alice-token").orElseThrow();
        assertEquals(java.util.Set.of("viewer"), alice.roles());
        assertTrue(alice.expiredAt(Instant.now()));
        write("# nobody\n");
        clock.advance(Tokens.CHECK_EVERY);
        assertTrue(tokens.authenticate("alice-token").isEmpty());
        assertTrue(!tokens.any());
    }

    @Test
    void aBadEdit_keepsThePreviousTokens_andAFixLaterIsRead() throws IOException {
        write("alice operator " + Tokens.sha256Hex("alice-token") + "\nbob viewer not-a-hash\n");
        clock.advance(Tokens.CHECK_EVERY);
        assertTrue(tokens.authenticate("alice-token").isPresent(), "the previous tokens stay");
        write("bob viewer " + Tokens.sha256Hex("bob-token") + "\n");
        clock.advance(Tokens.CHECK_EVERY);
        assertTrue(tokens.authenticate("bob-token").isPresent());
        assertTrue(tokens.authenticate("alice-token").isEmpty());
    }

    @Test
    void aDeletedFile_keepsThePreviousTokens_untilItIsBack() throws IOException {
        Files.delete(file);
        clock.advance(Tokens.CHECK_EVERY);
        assertTrue(tokens.authenticate("alice-token").isPresent());
        write("bob viewer " + Tokens.sha256Hex("bob-token") + "\n");
        clock.advance(Tokens.CHECK_EVERY);
        assertTrue(tokens.authenticate("bob-token").isPresent());
        assertTrue(tokens.authenticate("alice-token").isEmpty());
    }

    /** Each write gets a later modification time, as an editor's save would. */
    private void write(String text) throws IOException {
        Files.writeString(file, text);
        modified = modified.plusSeconds(5);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-06-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
