package dev.fleetplane.provisioner.rebuild;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.saga.SagaStore;
import dev.fleetplane.provisioner.ssh.GuestShell;
import dev.fleetplane.provisioner.ssh.OutputTail;
import dev.fleetplane.provisioner.ssh.RemoteRun;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the rebuild of sagas in {@code rebuilding} on a worker pool (never a Kafka thread) and records
 * the result in one transaction with its events. Sagas left in {@code rebuilding} by a previous run are
 * started again at startup: the rebuild is idempotent on NixOS.
 */
@ApplicationScoped
public class RebuildWorker {

    private static final Logger LOG = Logger.getLogger(RebuildWorker.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    @Inject
    GuestShell shell;

    /** Hosts whose rebuild runs in this process: one rebuild per host at a time. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private ExecutorService workers;

    void start(@Observes @Priority(100) StartupEvent ignored) {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.rebuild().workers(), r -> {
            Thread t = new Thread(r, "rebuild-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Saga> left = database.read(c -> store.inState(c, SagaState.REBUILDING));
        for (Saga s : left) {
            LOG.infof("host %s [%s]: resuming the rebuild left unfinished by a previous run", s.host(), s.correlationId());
            submit(s.host());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the rebuild of {@code host}'s saga unless it already runs here. */
    public void submit(String host) {
        if (workers == null || !running.add(host)) {
            return;
        }
        try {
            workers.submit(() -> {
                try {
                    rebuild(host);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "host %s: rebuild worker failed; the saga stays in rebuilding until the next start",
                            host);
                } finally {
                    running.remove(host);
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(host);
            LOG.warnf("host %s: rebuild not started, the provisioner is stopping (it resumes on the next start)", host);
        }
    }

    void rebuild(String host) {
        Optional<Saga> found = database.read(c -> store.find(c, host));
        if (found.isEmpty() || found.get().state() != SagaState.REBUILDING) {
            return;
        }
        Saga s = found.get();
        OutputTail tail = new OutputTail(config.rebuild().tailLines(), config.rebuild().maxLineLength());
        String command;
        try {
            command = RebuildTemplate.render(s.rebuildCommand(), s.host(), s.ip(), s.user());
        } catch (IllegalArgumentException e) {
            fail(s, "rebuild", e.getMessage(), tail);
            return;
        }
        LOG.infof("host %s [%s]: rebuilding over SSH as %s@%s:%d: %s", s.host(), s.correlationId(), s.user(), s.ip(),
                config.ssh().port(), command);
        RemoteRun run;
        try {
            run = shell.run(new GuestShell.Target(s.host(), s.ip(), s.user()), command, config.rebuild().timeout(), tail);
        } catch (SshLoginException e) {
            fail(s, "ssh", e.getMessage(), tail);
            return;
        }
        if (run instanceof RemoteRun.Exited x && x.status() == 0) {
            succeed(s, command, x.duration(), tail);
        } else {
            fail(s, "rebuild", failure(run), tail);
        }
    }

    private String failure(RemoteRun run) {
        if (run instanceof RemoteRun.Exited x) {
            return "the rebuild command exited with status " + x.status() + " after " + seconds(x.duration());
        }
        if (run instanceof RemoteRun.Signalled x) {
            return "the rebuild command was killed by signal " + x.signal() + " after " + seconds(x.duration());
        }
        if (run instanceof RemoteRun.TimedOut) {
            return "the rebuild command ran longer than " + seconds(config.rebuild().timeout())
                    + " (fleetplane.provisioner.rebuild.timeout) and was cut off";
        }
        RemoteRun.ConnectionLost lost = (RemoteRun.ConnectionLost) run;
        return "the SSH connection was lost after " + seconds(lost.duration()) + " of the rebuild: " + lost.reason();
    }

    private void succeed(Saga s, String command, Duration duration, OutputTail tail) {
        record(s, current -> {
            Saga done = saga.succeeded(current);
            return new Recorded(done, c -> {
                events.succeeded(c, done, command, duration, tail.lines());
                return null;
            });
        });
        LOG.infof("host %s [%s]: rebuild succeeded in %s (%d output lines); provisioned at %s", s.host(),
                s.correlationId(), seconds(duration), tail.totalLines(), s.ip());
    }

    private void fail(Saga s, String step, String reason, OutputTail tail) {
        record(s, current -> {
            Saga failed = saga.failed(current, reason);
            return new Recorded(failed, c -> events.failed(c, failed, step, reason, tail.lines()));
        });
        LOG.errorf("host %s [%s]: provisioning failed at step %s: %s", s.host(), s.correlationId(), step, reason);
    }

    private record Recorded(Saga saga, Database.Work<?> publish) {
    }

    /** Applies the result unless the saga was replaced by a newer ProvisionHost while the rebuild ran. */
    private void record(Saga ran, java.util.function.Function<Saga, Recorded> result) {
        database.inTransaction(c -> {
            Optional<Saga> current = store.lock(c, ran.host());
            if (current.isEmpty() || current.get().state() != SagaState.REBUILDING
                    || !current.get().commandEventId().equals(ran.commandEventId())) {
                LOG.warnf("host %s [%s]: the saga changed while the rebuild ran; its result is dropped",
                        ran.host(), ran.correlationId());
                return null;
            }
            Recorded r = result.apply(current.get());
            store.save(c, r.saga());
            r.publish().run(c);
            return null;
        });
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
