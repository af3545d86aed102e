package dev.fleetplane.templates.saga;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.templates.TemplateBuildOutput;
import dev.fleetplane.events.templates.TemplateBuildStarted;
import dev.fleetplane.events.templates.TemplateBuilt;
import dev.fleetplane.events.templates.TemplateImageChecked;
import dev.fleetplane.events.templates.ImageDevice;
import dev.fleetplane.events.templates.TemplateUploadProgress;
import dev.fleetplane.images.Compression;
import dev.fleetplane.images.ImageCheck;
import dev.fleetplane.images.ImageDigest;
import dev.fleetplane.images.ImageRejected;
import dev.fleetplane.images.ImageReport;
import dev.fleetplane.images.QemuImg;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.templates.TemplatesConfig;
import dev.fleetplane.templates.build.Artifacts;
import dev.fleetplane.templates.build.BuildCommand;
import dev.fleetplane.templates.build.BuildProcess;
import dev.fleetplane.templates.build.FileTrees;
import dev.fleetplane.templates.build.OutputBatches;
import dev.fleetplane.templates.node.NodeSftp;
import dev.fleetplane.templates.node.ProbeLogin;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The builder's own work, off the Kafka threads: the build phase (run the build, find and hash the artefact, check
 * it, and on the sftp route copy it to the node) and the smoke test's SSH login. Each acknowledged step is stored
 * before the next starts, so a restarted builder resumes a build at the step it had not finished.
 */
@ApplicationScoped
public class BuildWorker {

    private static final Logger LOG = Logger.getLogger(BuildWorker.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss")
            .withZone(ZoneOffset.UTC);

    @Inject
    Database database;

    @Inject
    BuildStore store;

    @Inject
    BuildEvents events;

    @Inject
    Sagas sagas;

    @Inject
    TemplatesConfig config;

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "template-worker-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    void onStart(@Observes StartupEvent start) {
        List<Build> open = database.read(c -> store.inStates(c, BuildState.BUILDING, BuildState.LOGGING_IN));
        for (Build b : open) {
            LOG.infof("resuming build %s of %s in %s", b.buildId(), b.template(), b.state().label());
            if (b.state() == BuildState.BUILDING) {
                buildPhase(b.buildId());
            } else {
                login(b.buildId());
            }
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs (or resumes) the build phase of {@code buildId} on a worker thread. */
    public void buildPhase(String buildId) {
        StoryContext story = StoryContext.current();
        pool.submit(() -> {
            try (StoryContext.Scope s = story.open()) {
                runBuildPhase(buildId);
            } catch (RuntimeException e) {
                LOG.errorf(e, "build %s: the build phase broke off; it resumes at the next start", buildId);
            }
        });
    }

    /** Runs the smoke test's SSH login of {@code buildId} on a worker thread. */
    public void login(String buildId) {
        StoryContext story = StoryContext.current();
        pool.submit(() -> {
            try (StoryContext.Scope s = story.open()) {
                runLogin(buildId);
            } catch (RuntimeException e) {
                LOG.errorf(e, "build %s: the smoke test's login broke off; it resumes at the next start", buildId);
            }
        });
    }

    private void runBuildPhase(String buildId) {
        Optional<Build> found = database.read(c -> store.find(c, buildId));
        if (found.isEmpty() || found.get().state() != BuildState.BUILDING) {
            return;
        }
        Build b = found.get();
        try {
            if (b.artifact() == null) {
                b = build(b);
                if (b == null) {
                    return;
                }
            }
            if (!b.checked()) {
                b = check(b);
                if (b == null) {
                    return;
                }
            }
            if (Build.SFTP.equals(b.route())) {
                upload(b);
            } else {
                String filename = b.template() + "-" + STAMP.format(Instant.now()) + ".qcow2";
                Build current = b;
                sagas.move(buildId, null, locked -> sagas.saga().checkedForApi(locked,
                        config.api().importStorage(), filename));
                LOG.infof("build %s: the adapter uploads %s to %s as %s", buildId, current.artifact(),
                        config.api().importStorage(), filename);
            }
        } catch (IOException e) {
            LOG.errorf("build %s: %s", buildId, e.getMessage());
            sagas.fail(buildId, BuildState.BUILDING.step(), e.getMessage());
        }
    }

    /** Runs the build command; returns the build with its artefact, or null when it failed (and was rejected). */
    private Build build(Build b) throws IOException {
        Path dir = FileTrees.nextAttempt(config.workDir().resolve(b.buildId()));
        String flake = b.builtFrom().contains("#") ? b.builtFrom()
                : BuildCommand.flakeOf(Path.of(b.builtFrom()), config.build().attribute());
        String configured = Build.SFTP.equals(b.route()) ? config.build().sftpCommand() : config.build().apiCommand();
        List<String> argv = BuildCommand.argv(configured, flake, dir);
        Duration limit = Duration.ofSeconds(b.timeoutSeconds());
        database.inTransaction(c -> events.publish(c, b, EventCatalog.TEMPLATE_BUILD_STARTED,
                new TemplateBuildStarted(b.template(), b.buildId(), b.route(), String.join(" ", argv), dir.toString(),
                        b.timeoutSeconds()), null));
        LOG.infof("build %s of %s: running %s in %s (limit %s)", b.buildId(), b.template(), String.join(" ", argv),
                dir, limit);
        OutputBatches batches = new OutputBatches(config.build().maxLineLength(), config.build().linesPerEvent(),
                config.build().maxLines());
        BuildProcess.Result result = BuildProcess.run(argv, dir, limit, line -> publish(b, batches.add(line)));
        publish(b, batches.flush());
        if (!result.ok()) {
            String why = result.timedOut()
                    ? "the build ran past its limit of " + limit + " and was killed"
                    : "the build command exited with " + result.exitCode() + " after " + seconds(result.took());
            List<String> tail = batches.tail();
            sagas.fail(b.buildId(), "build", why + (tail.isEmpty() ? "" : "; last lines: " + String.join(" | ", tail)));
            return null;
        }
        Path artifact;
        try {
            artifact = Artifacts.find(dir, b.route());
        } catch (IOException e) {
            sagas.fail(b.buildId(), "build", e.getMessage());
            return null;
        }
        ImageDigest digest = ImageDigest.of(artifact);
        String format = Build.API.equals(b.route()) ? "qcow2" : "vma";
        Build built = b.withArtifact(artifact.toString(), format, digest.size(), digest.sha256());
        database.inTransaction(c -> {
            store.save(c, built);
            events.publish(c, built, EventCatalog.TEMPLATE_BUILT, new TemplateBuilt(b.template(), b.buildId(),
                    artifact.toString(), format, Compression.ofName(artifact.getFileName().toString()).label(), digest.size(), digest.sha256(),
                    result.took().toMillis()), null);
            return null;
        });
        LOG.infof("build %s: artefact %s (%d bytes, sha256 %s) after %s", b.buildId(), artifact, digest.size(),
                digest.sha256(), seconds(result.took()));
        return built;
    }

    /** Reads the artefact's header; returns the build marked checked, or null when it was refused (and rejected). */
    private Build check(Build b) throws IOException {
        Path artifact = Path.of(b.artifact());
        ImageReport found;
        try {
            found = ImageCheck.inspect(artifact, QemuImg.find());
        } catch (ImageRejected e) {
            sagas.fail(b.buildId(), "check", artifact.getFileName() + " refused before upload: " + e.getMessage());
            return null;
        }
        if (!found.format().equals(b.format())) {
            sagas.fail(b.buildId(), "check", artifact.getFileName() + " is a " + found.format() + " image; the "
                    + b.route() + " route needs " + Artifacts.wanted(b.route()));
            return null;
        }
        Build checked = b.markChecked();
        database.inTransaction(c -> {
            store.save(c, checked);
            events.publish(c, checked, EventCatalog.TEMPLATE_IMAGE_CHECKED, new TemplateImageChecked(b.template(),
                    b.buildId(), found.format(), found.devices().stream().map(d -> new ImageDevice(d.name(), d.bytes())).toList(),
                    found.configs(), found.checkedBy()), null);
            return null;
        });
        LOG.infof("build %s: %s checked by %s: %s", b.buildId(), artifact.getFileName(), found.checkedBy(),
                found.devices());
        return checked;
    }

    /** sftp: copies the archive to the node's dump directory, then hands over to the saga (restore). */
    private void upload(Build b) throws IOException {
        TemplatesConfig.NodeSsh n = config.nodeSsh();
        Path artifact = Path.of(b.artifact());
        String suffix = artifact.getFileName().toString().replaceFirst("^.*?\\.vma", ".vma");
        String name = "vzdump-qemu-fleetplane-" + b.template() + "-" + STAMP.format(Instant.now()) + suffix;
        if (n.host().isEmpty() || n.identityFile().isEmpty() || n.hostKeyFingerprint().isEmpty()) {
            // Checked when the build was accepted; a builder restarted with other settings finds them gone.
            sagas.fail(b.buildId(), "upload", "the sftp route needs fleetplane.templates.node-ssh.host, "
                    + "…identity-file and …host-key-fingerprint, and this builder has not all of them");
            return;
        }
        NodeSftp.Target target = new NodeSftp.Target(n.host().get(), n.port(), n.user(), n.identityFile().get(),
                n.hostKeyFingerprint().get(), n.dumpDir(), n.connectTimeout());
        long total = b.bytes();
        Progress progress = new Progress(b, total);
        String remote;
        try {
            remote = NodeSftp.upload(target, artifact, name, progress::sent);
        } catch (IOException e) {
            sagas.fail(b.buildId(), "upload", e.getMessage());
            return;
        }
        progress.last(total);
        String volid = n.backupStorage() + ":backup/" + name;
        LOG.infof("build %s: archive copied to %s:%s as %s", b.buildId(), n.host().get(), remote, volid);
        sagas.move(b.buildId(), null, locked -> sagas.saga().uploadedOverSftp(locked.withVolid(volid), total));
    }

    private void runLogin(String buildId) {
        Optional<Build> found = database.read(c -> store.find(c, buildId));
        if (found.isEmpty() || found.get().state() != BuildState.LOGGING_IN) {
            return;
        }
        Build b = found.get();
        TemplatesConfig.Smoke smoke = config.smoke();
        if (smoke.identityFile().isEmpty() || !Files.isReadable(smoke.identityFile().get())) {
            sagas.fail(buildId, "smoke-test", "no readable fleet key for the login: set "
                    + "fleetplane.templates.smoke.identity-file (env FLEETPLANE_TEMPLATES_SMOKE_IDENTITY_FILE)");
            return;
        }
        try {
            ProbeLogin.check(b.probeAddress(), smoke.sshPort(), smoke.sshUser(), smoke.identityFile().get(),
                    smoke.loginDeadline());
        } catch (IOException e) {
            sagas.fail(buildId, "smoke-test", "probe VM " + b.probeVmid() + " at " + b.probeAddress() + ": "
                    + e.getMessage());
            return;
        }
        LOG.infof("build %s: the fleet key logged in to probe VM %d at %s as %s", buildId, b.probeVmid(),
                b.probeAddress(), smoke.sshUser());
        sagas.move(buildId, null, locked -> sagas.saga().loggedIn(locked));
    }

    private void publish(Build b, OutputBatches.Batch batch) {
        if (batch == null) {
            return;
        }
        database.inTransaction(c -> events.publish(c, b, EventCatalog.TEMPLATE_BUILD_OUTPUT,
                new TemplateBuildOutput(b.template(), b.buildId(), batch.seq(), batch.lines(), batch.dropped()), null));
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    /** Upload progress as events: at most one per 5 % and per second, and the last one. */
    private final class Progress {
        private final Build build;
        private final long total;
        private long lastSent = -1;
        private long lastAt;

        Progress(Build build, long total) {
            this.build = build;
            this.total = total;
        }

        void sent(long bytes) {
            long now = System.nanoTime();
            boolean step = lastSent < 0 || bytes - lastSent >= Math.max(1, total / 20);
            if (step && now - lastAt >= 1_000_000_000L) {
                last(bytes);
            }
        }

        void last(long bytes) {
            if (bytes == lastSent) {
                return;
            }
            lastSent = bytes;
            lastAt = System.nanoTime();
            database.inTransaction(c -> events.publish(c, build, EventCatalog.TEMPLATE_UPLOAD_PROGRESS,
                    new TemplateUploadProgress(build.template(), build.buildId(), build.route(), bytes, total), null));
        }
    }
}
