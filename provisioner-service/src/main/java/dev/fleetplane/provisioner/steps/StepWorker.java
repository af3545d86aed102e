package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.FleetMetrics;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.saga.SagaStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the steps that talk SSH to a guest on worker pools (never a Kafka thread): rebuilds on one pool
 * ({@code rebuild.workers}), and the short steps after a switch, probing an address and integrating, on another. A
 * switched host must never wait behind queued rebuilds: its rollback watchdog is counting (the provisioning benchmark
 * saw watchdogs roll back hosts that one shared FIFO pool confirmed too late). One job per host at a time. At startup
 * it resumes every saga a previous run left in a worker step: a rebuild asks the guest agent for the current address
 * first (the guest may have moved meanwhile), an integration resumes at once; a probe that was running is dropped and
 * its saga asks the guest agent again. A job runs in the story (MDC) of the work that submitted it. The steps themselves
 * ({@link WorkerStep}: {@link RebuildStep}, {@link ProbeStep}, {@link IntegrateStep}) are keyed by the saga state they
 * run in.
 */
@ApplicationScoped
public class StepWorker {

    private static final Logger LOG = Logger.getLogger(StepWorker.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    Instance<WorkerStep> all;

    @Inject
    ProbeStep probes;

    @Inject
    dev.fleetplane.provisioner.saga.ProvisioningSaga saga;

    @Inject
    FleetMetrics metrics;

    private final Map<SagaState, WorkerStep> steps = new EnumMap<>(SagaState.class);
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private ExecutorService rebuilds;
    private ExecutorService confirmations;

    @PostConstruct
    void registerSteps() {
        for (WorkerStep step : all) {
            WorkerStep twin = steps.put(step.state(), step);
            if (twin != null) {
                throw new IllegalStateException("two worker steps for " + step.state().label() + ": "
                        + twin.getClass().getSimpleName() + " and " + step.getClass().getSimpleName());
            }
        }
    }

    void start(@Observes @Priority(100) StartupEvent ignored) {
        rebuilds = pool("rebuild-worker-", config.rebuild().workers());
        // Probes and integrations are a few seconds of SSH each: as many as rebuilds can hand over, at least 2.
        confirmations = pool("confirm-worker-", Math.max(2, config.rebuild().workers()));
        java.time.Instant now = java.time.Instant.now();
        List<Saga> left = database.inTransaction(c -> {
            for (Saga s : store.inState(c, SagaState.REBUILDING)) {
                // The guest may have moved while this process was down (a switch the dead run started restarts its
                // network): the scheduler asks the agent for the current address before any SSH step.
                store.save(c, saga.resume(s, now));
                try (StoryContext.Scope story = StoryContext.forHost(null, s.host(), s.correlationId()).open()) {
                    LOG.infof("resuming step %s left unfinished by a previous run: asking the guest agent for the "
                            + "current address first (was %s)", s.state().label(), s.ip());
                }
            }
            List<Saga> out = new java.util.ArrayList<>(store.inState(c, SagaState.INTEGRATING));
            for (Saga s : store.inState(c, SagaState.CONFIRMING)) {
                if (s.probing()) {
                    // The probe died with the previous run; the scheduler asks for the address again.
                    store.save(c, s.edit().probing(false).nextQueryAt(java.time.Instant.now()).build());
                }
            }
            return out;
        });
        for (Saga s : left) {
            try (StoryContext.Scope story = StoryContext.forHost(null, s.host(), s.correlationId()).open()) {
                LOG.infof("resuming step %s left unfinished by a previous run", s.state().label());
                submit(s.host(), s.state(), null);
            }
        }
    }

    private static ExecutorService pool(String prefix, int size) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(1, size), r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        for (ExecutorService pool : new ExecutorService[] {rebuilds, confirmations}) {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        try {
            for (ExecutorService pool : new ExecutorService[] {rebuilds, confirmations}) {
                if (pool != null) {
                    pool.awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the rebuild of {@code host}'s saga unless a job of that host already runs here. */
    public void rebuild(String host) {
        submit(host, SagaState.REBUILDING, null);
    }

    /** Checks {@code address} for the confirming saga of {@code host}. */
    public void probe(String host, String address) {
        submit(host, SagaState.CONFIRMING, address);
    }

    public void integrate(String host) {
        submit(host, SagaState.INTEGRATING, null);
    }

    private void submit(String host, SagaState step, String address) {
        ExecutorService pool = step == SagaState.REBUILDING ? rebuilds : confirmations;
        if (pool == null || !running.add(host)) {
            if (step == SagaState.CONFIRMING) {
                // Not run: release the probe so the scheduler asks again instead of waiting for it forever.
                probes.release(host);
            }
            return;
        }
        WorkerStep worker = steps.get(step);
        StoryContext story = StoryContext.current().withHost(host);
        try {
            pool.submit(() -> {
                SagaState next = null;
                long started = System.nanoTime();
                try (StoryContext.Scope scope = story.open()) {
                    try {
                        next = worker.run(host, address);
                        metrics.provisioningStep(step.label(), stateAfter(host),
                                Duration.ofNanos(System.nanoTime() - started));
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "step %s failed unexpectedly; it is resumed on the next start", step.label());
                        metrics.provisioningStep(step.label(), "error", Duration.ofNanos(System.nanoTime() - started));
                    }
                } finally {
                    running.remove(host);
                }
                // The next worker step of the same host goes out after this job released the host, in the same story.
                if (next == SagaState.REBUILDING || next == SagaState.INTEGRATING) {
                    try (StoryContext.Scope scope = story.open()) {
                        submit(host, next, null);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(host);
            LOG.warnf("host %s [%s]: step %s not started, the provisioner is stopping (it resumes on the next start)",
                    host, correlationId(host), step.label());
        }
    }

    /** The state a step left its saga in (the step's outcome for the metrics): the next step, succeeded or failed. */
    private String stateAfter(String host) {
        try {
            return database.read(c -> store.find(c, host)).map(s -> s.state().label()).orElse("gone");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** For a log line about a step that has no saga at hand; the database may be what just failed. */
    private String correlationId(String host) {
        try {
            return database.read(c -> store.find(c, host)).map(Saga::correlationId).orElse("no saga");
        } catch (RuntimeException e) {
            return "correlation id unknown: " + e.getMessage();
        }
    }
}
