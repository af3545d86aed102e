package dev.fleetplane.provisioner.steps;

import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.FleetMetrics;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.messaging.WorkLoop;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
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
 * Runs the steps that talk SSH to a guest on worker pools (never a Kafka thread): rebuilds on one pool
 * ({@code rebuild.workers}), and the short steps after a switch, probing an address and integrating, on another. A
 * switched host must never wait behind queued rebuilds: its rollback watchdog is counting (the provisioning benchmark
 * saw watchdogs roll back hosts that one shared FIFO pool confirmed too late). One job per host at a time, across
 * replicas too: a step runs only under the host's {@link StepLeases lease}, renewed while it runs. A sweep (at startup,
 * then every third of the lease) resumes every saga left in a worker step that no live replica holds: its own from
 * before a restart at once, a dead replica's once its lease ran out. A rebuild asks the guest agent for the current
 * address first (the guest may have moved meanwhile), an integration resumes at once; a probe that was running is
 * dropped and its saga asks the guest agent again. A job runs in the story (MDC) of the work that submitted it. The
 * steps themselves ({@link WorkerStep}: {@link RebuildStep}, {@link ProbeStep}, {@link IntegrateStep}) are keyed by
 * the saga state they run in.
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
    ProvisioningSaga saga;

    @Inject
    FleetMetrics metrics;

    @Inject
    StepRecorder recorder;

    private final Map<SagaState, WorkerStep> steps = new EnumMap<>(SagaState.class);
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Unexpected failures in a row of each host's step ({@code host/state}); the step fails at the bound. */
    private final Map<String, Integer> crashes = new ConcurrentHashMap<>();
    /** How many unexpected failures in a row a step gets before its saga fails (else the sweep resumes it forever). */
    static final int MAX_CRASHES = 3;
    private ExecutorService rebuilds;
    private ExecutorService confirmations;
    private volatile String owner;
    private WorkLoop sweeper;

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
        owner = config.steps().owner().orElseGet(StepWorker::defaultOwner);
        // The first sweep resumes what this replica left before a restart (its own leases) and what a dead replica
        // left once its leases ran out; later sweeps renew this replica's leases and take over orphans.
        sweeper = new WorkLoop("step-lease-sweep", this::sweep);
        sweeper.start();
    }

    /**
     * One round of the lease loop: renews the leases of the steps running here, then resumes every worker step that
     * nobody holds a live lease for (a probe that was running is dropped and its saga asks the guest agent again).
     */
    private Duration sweep() {
        Duration every = config.steps().lease().dividedBy(3);
        try {
            List<StepLeases.Orphan> orphans = database.inTransaction(c -> {
                StepLeases.renew(c, owner, Set.copyOf(running), config.steps().lease());
                return StepLeases.orphans(c, owner);
            });
            for (StepLeases.Orphan o : orphans) {
                if (running.contains(o.host())) {
                    continue;
                }
                if (o.state() == SagaState.CONFIRMING) {
                    dropOrphanProbe(o.host());
                    continue;
                }
                if (o.state() == SagaState.REBUILDING) {
                    resumeOrphanRebuild(o.host());
                    continue;
                }
                Saga s = database.read(c -> store.find(c, o.host())).orElse(null);
                if (s == null) {
                    continue;
                }
                try (StoryContext.Scope story = StoryContext.forHost(null, s.host(), s.correlationId()).open()) {
                    LOG.infof("resuming step %s: no live provisioner holds it (a previous run or another replica died)",
                            s.state().label());
                    submit(s.host(), s.state(), null);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("step leases: sweep failed (%s); trying again in %s", e.getMessage(), every);
        }
        return every;
    }

    /**
     * A rebuild whose provisioner died: the guest may have moved meanwhile (a switch the dead run started restarts its
     * network), so the saga goes back to the scheduler, which asks the agent for the current address before any SSH
     * step; the answer starts the rebuild again.
     */
    private void resumeOrphanRebuild(String host) {
        database.inTransaction(c -> {
            Optional<Saga> s = store.lock(c, host).filter(x -> x.state() == SagaState.REBUILDING);
            if (s.isPresent() && StepLeases.claim(c, host, owner, config.steps().lease())) {
                store.save(c, saga.resume(s.get(), java.time.Instant.now()));
                StepLeases.release(c, host, owner);
                try (StoryContext.Scope story = StoryContext.forHost(null, host, s.get().correlationId()).open()) {
                    LOG.infof("resuming step rebuilding: no live provisioner holds it (a previous run or another"
                            + " replica died); asking the guest agent for the current address first (was %s)",
                            s.get().ip());
                }
            }
            return null;
        });
    }

    /** A probe whose provisioner died: if its lease is free, the saga asks the agent again (the scheduler does). */
    private void dropOrphanProbe(String host) {
        database.inTransaction(c -> {
            Optional<Saga> s = store.lock(c, host).filter(x -> x.state() == SagaState.CONFIRMING && x.probing());
            if (s.isPresent() && StepLeases.claim(c, host, owner, config.steps().lease())) {
                store.save(c, s.get().edit().probing(false).nextQueryAt(java.time.Instant.now()).build());
                StepLeases.release(c, host, owner);
            }
            return null;
        });
    }

    /** The lease owner of this replica when none is configured: the machine and the HTTP port, stable over restarts. */
    private static String defaultOwner() {
        String machine;
        try {
            machine = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            machine = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return machine + ":" + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.port", String.class).orElse("8080");
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
        if (sweeper != null) {
            sweeper.stop(Duration.ofSeconds(5));
        }
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
        if (!claim(host, step)) {
            running.remove(host);
            if (step == SagaState.CONFIRMING) {
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
                        crashes.remove(host + "/" + step);
                        metrics.provisioningStep(step.label(), stateAfter(host),
                                Duration.ofNanos(System.nanoTime() - started));
                    } catch (RuntimeException e) {
                        metrics.provisioningStep(step.label(), "error", Duration.ofNanos(System.nanoTime() - started));
                        crashed(host, step, e);
                    }
                } finally {
                    unclaim(host);
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
            unclaim(host);
            running.remove(host);
            LOG.warnf("host %s [%s]: step %s not started, the provisioner is stopping (it resumes on the next start)",
                    host, correlationId(host), step.label());
        }
    }

    /**
     * A step threw where no step should. PostgreSQL gone mid-step passes (the fault matrix kills it): the step-lease
     * sweep resumes the step, as often as it takes. Anything else (a bug) is resumed up to {@link #MAX_CRASHES} times in
     * a row; then the saga fails at that step with the error, so the host shows Failed with a reason and
     * {@code fleetplane retry} runs it again, instead of a loop every few seconds.
     */
    private void crashed(String host, SagaState step, RuntimeException e) {
        if (databaseDown(e)) {
            LOG.errorf("step %s failed on the database (%s); the step-lease sweep resumes it", step.label(),
                    e.getMessage());
            return;
        }
        int times = crashes.merge(host + "/" + step, 1, Integer::sum);
        if (times < MAX_CRASHES) {
            LOG.errorf(e, "step %s failed unexpectedly (%d of %d in a row); the step-lease sweep resumes it",
                    step.label(), times, MAX_CRASHES);
            return;
        }
        crashes.remove(host + "/" + step);
        String reason = "step " + step.label() + " failed unexpectedly " + times + " times in a row: " + e;
        LOG.errorf(e, "%s; failing the saga", reason);
        try {
            recorder.load(host, step).ifPresent(s -> recorder.fail(s, failedStep(step), reason, List.of()));
        } catch (RuntimeException again) {
            LOG.errorf("failing the saga did not work either (%s); the step-lease sweep resumes it", again.getMessage());
        }
    }

    private static boolean databaseDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Database.DatabaseException || t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }

    private static String failedStep(SagaState step) {
        return switch (step) {
            case REBUILDING -> ProvisioningSaga.STEP_REBUILD;
            case CONFIRMING -> ProvisioningSaga.STEP_CONFIRM;
            default -> ProvisioningSaga.STEP_INTEGRATE;
        };
    }

    /**
     * Takes the host's step lease when its saga is still in {@code step} and no other live replica holds it: the one
     * guard that a step runs on one replica at a time, whoever asks for it (an event, a sweep, a step before it).
     */
    private boolean claim(String host, SagaState step) {
        try {
            return database.inTransaction(c -> {
                Optional<Saga> s = store.lock(c, host);
                if (s.isEmpty() || s.get().state() != step) {
                    return false;
                }
                if (!StepLeases.claim(c, host, owner, config.steps().lease())) {
                    LOG.infof("step %s is running on another provisioner replica; not started here", step.label());
                    return false;
                }
                return true;
            });
        } catch (RuntimeException e) {
            LOG.warnf("step %s not started: its lease could not be taken (%s); the next sweep tries again",
                    step.label(), e.getMessage());
            return false;
        }
    }

    private void unclaim(String host) {
        try {
            database.inTransaction(c -> {
                StepLeases.release(c, host, owner);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warnf("the step lease of %s is left to run out (%s)", host, e.getMessage());
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
