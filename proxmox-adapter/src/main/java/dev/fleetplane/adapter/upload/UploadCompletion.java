package dev.fleetplane.adapter.upload;

import dev.fleetplane.adapter.commands.OperationFailures;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.handling.CommandFlow;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskCompletion;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.ImageUploaded;
import dev.fleetplane.proxmox.client.PveException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;

/**
 * What a finished {@code imgcopy} task means: the image is a volume of the storage ({@code ImageUploaded}), or
 * {@code PveOperationFailed} (a checksum mismatch is a task failure, Proxmox has dropped the file).
 */
@ApplicationScoped
public class UploadCompletion implements TaskCompletion {

    @Inject
    CommandFlow flow;

    @Override
    public Set<String> operations() {
        return Set.of(UploadHandler.OPERATION);
    }

    @Override
    public Outcome succeeded(PendingTask t) {
        Map<String, String> d = t.details();
        return flow.answer(t.command(), EventCatalog.IMAGE_UPLOADED, new ImageUploaded(t.node(), d.get("storage"),
                d.get("volid"), Long.parseLong(d.getOrDefault("bytes", "0")), t.upid()));
    }

    @Override
    public Outcome failed(PendingTask t, PveException e) {
        return flow.answer(t.command(), EventCatalog.PVE_OPERATION_FAILED,
                OperationFailures.of(UploadHandler.OPERATION, t.node(), 0, e));
    }
}
