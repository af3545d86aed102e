package dev.fleetplane.localstack.kafka;

import dev.fleetplane.localstack.LocalStackException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

import java.time.Duration;
import java.util.ArrayList;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the services' SCRAM users and the {@link KafkaAcls} on a broker with auth on, as its super user. */
final class KafkaUsers {

    /** Kafka's minimum for SCRAM-SHA-512, and its default. */
    static final int ITERATIONS = 4096;

    private KafkaUsers() {
    }

    static void apply(Admin admin, KafkaAuth auth, Duration timeout) {
        var upserts = new ArrayList<UserScramCredentialAlteration>();
        for (String user : KafkaAuth.SERVICES) {
            upserts.add(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), auth.password(user)));
        }
        await("creating the SCRAM users " + KafkaAuth.SERVICES, timeout,
                () -> admin.alterUserScramCredentials(upserts).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        // Creating an ACL that exists is a no-op, so a kept stack gets the same ACLs again.
        await("creating the ACLs", timeout,
                () -> admin.createAcls(KafkaAcls.bindings()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private interface Call {
        void run() throws InterruptedException, ExecutionException, TimeoutException;
    }

    private static void await(String what, Duration timeout, Call call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            throw new LocalStackException("kafka: " + what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new LocalStackException("kafka: " + what + " took longer than " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("kafka: interrupted while " + what, e);
        }
    }

}
