package dev.fleetplane.adapter.upload;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.pve.ImageUploadProgress;
import dev.fleetplane.events.pve.ImageUploaded;
import dev.fleetplane.events.pve.UploadImage;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveException.Failure;
import dev.fleetplane.proxmox.client.StorageVolume;
import dev.fleetplane.proxmox.client.UploadRequest;
import dev.fleetplane.proxmox.client.Upid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * {@code UploadImage}: streams a disk image the adapter can read into a storage as {@code import} content, then follows
 * the {@code imgcopy} task ({@link UploadCompletion} answers {@code ImageUploaded}). Progress events are published while
 * the bytes stream, each in its own small outbox transaction (the upload runs outside the command's transaction, which
 * only opens once it returned). Idempotent by what the storage holds: a volume of the same name and size is answered
 * at once, without a second upload.
 */
@ApplicationScoped
public class UploadHandler implements CommandHandler {

    public static final String OPERATION = "upload";
    private static final Logger LOG = Logger.getLogger(UploadHandler.class);

    @Inject
    CommandFlow flow;

    @Inject
    Database database;

    @Override
    public EventKind<?> kind() {
        return EventCatalog.UPLOAD_IMAGE;
    }

    @Override
    public Outcome handle(Command command) {
        UploadImage cmd = command.event().dataAs(EventCatalog.UPLOAD_IMAGE);
        Checks checks = UploadRules.check(cmd, "UploadImage for " + command.host());
        if (cmd.path() != null && cmd.path().startsWith("/")) {
            Path file = Path.of(cmd.path());
            checks.check(Files.isRegularFile(file) && Files.isReadable(file),
                    "path '" + cmd.path() + "' is not a readable regular file on the adapter's machine");
        }
        return flow.run(command, OPERATION, cmd.node(), 0, checks, () -> upload(command, cmd));
    }

    private Outcome upload(Command command, UploadImage cmd) {
        Path file = Path.of(cmd.path());
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return flow.refuse(command, OPERATION, cmd.node(), 0, "invalid-parameter",
                    "UploadImage for " + command.host() + " rejected: path '" + cmd.path() + "' cannot be read: " + e);
        }
        String volid = UploadRules.volid(cmd.storage(), cmd.filename());
        Optional<StorageVolume> present = flow.call(pve -> pve.storageContent(cmd.node(), cmd.storage(), "import", null))
                .stream().filter(v -> v.volid().equals(volid)).findFirst();
        if (present.isPresent() && present.get().size() == size) {
            LOG.infof("%s is on %s already with %d bytes; not uploading it again", volid, cmd.node(), size);
            return flow.answer(command, EventCatalog.IMAGE_UPLOADED,
                    new ImageUploaded(cmd.node(), cmd.storage(), volid, size, null));
        }
        if (present.isPresent()) {
            return flow.refuse(command, OPERATION, cmd.node(), 0, "already-exists", volid + " exists on node "
                    + cmd.node() + " with " + present.get().size() + " bytes, but " + cmd.path() + " has " + size
                    + "; refusing to overwrite it (delete the volume or upload under another filename)");
        }
        String sha256 = cmd.sha256() == null ? null : cmd.sha256().toLowerCase(Locale.ROOT);
        UploadRequest request;
        try {
            request = new UploadRequest("import", file, cmd.filename(), sha256 == null ? null : "sha256", sha256);
        } catch (IllegalArgumentException e) { // the file went away since the check
            return flow.refuse(command, OPERATION, cmd.node(), 0, "invalid-parameter",
                    "UploadImage for " + command.host() + " rejected: " + e.getMessage());
        }
        ProgressSteps steps = new ProgressSteps(size);
        AtomicLong sent = new AtomicLong();
        LOG.infof("uploading %s (%d bytes) to %s on %s", cmd.path(), size, volid, cmd.node());
        Upid upid;
        try {
            // Not retried here: a second attempt would send every byte again; the command's sender decides.
            upid = flow.pve().upload(cmd.node(), cmd.storage(), request, bytes -> {
                sent.set(bytes);
                if (steps.due(bytes)) {
                    progress(command, new ImageUploadProgress(cmd.node(), cmd.storage(), cmd.filename(), bytes, size));
                }
            });
        } catch (PveException e) {
            PveException failure = e.failure() == Failure.TRANSIENT && e.httpStatus() == 0
                    ? PveException.of(Failure.TRANSIENT, OPERATION,
                    UploadRules.cut(cmd.path(), volid, cmd.node(), sent.get(), size, e.getMessage()))
                    : e;
            return flow.failed(command, OPERATION, cmd.node(), 0, failure);
        }
        LOG.infof("%s streamed; following %s", volid, upid);
        return flow.follow(PendingTask.forCommand(command, upid.value(), cmd.node(), 0, OPERATION,
                Map.of("storage", cmd.storage(), "volid", volid, "bytes", Long.toString(size)),
                Instant.now().plus(flow.timeouts().upload(command.host()))));
    }

    /** One progress event, committed at once so the sender sees it while the bytes still flow; best effort. */
    private void progress(Command command, ImageUploadProgress p) {
        try {
            Outcome event = flow.answer(command, EventCatalog.IMAGE_UPLOAD_PROGRESS, p);
            database.inTransaction(c -> {
                event.write(c);
                return null;
            });
        } catch (RuntimeException e) {
            // a lost progress event must not cut the upload: the final answer still comes
            LOG.warnf("progress of %s (%d of %d bytes) not published: %s", p.filename(), p.bytesSent(), p.bytesTotal(),
                    e.toString());
        }
    }
}
