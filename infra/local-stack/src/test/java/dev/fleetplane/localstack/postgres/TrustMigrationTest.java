package dev.fleetplane.localstack.postgres;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrustMigrationTest {

    @Test
    void everyTrustLine_becomesScram_commentsAndOtherMethodsStay() {
        String hba = """
                # "local" is for Unix domain socket connections only; trust is the default
                local   all             all                                     trust
                host    all             all             127.0.0.1/32            trust
                host    all             all             ::1/128                 trust   # loopback
                local   replication     all                                     peer
                hostssl all             all             0.0.0.0/0               md5
                """;
        assertEquals("""
                # "local" is for Unix domain socket connections only; trust is the default
                local   all             all                                     scram-sha-256
                host    all             all             127.0.0.1/32            scram-sha-256
                host    all             all             ::1/128                 scram-sha-256   # loopback
                local   replication     all                                     peer
                hostssl all             all             0.0.0.0/0               md5
                """, TrustMigration.withoutTrust(hba));
    }
}
