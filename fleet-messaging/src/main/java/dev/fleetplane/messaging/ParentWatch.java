package dev.fleetplane.messaging;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes a service started by {@code ./fleetplane up} exit when its launcher dies, even by SIGKILL,
 * so no service outlives the stack. Off unless {@code FLEETPLANE_PARENT_PID} is set.
 */
@ApplicationScoped
public class ParentWatch {

    private static final Logger LOG = Logger.getLogger(ParentWatch.class);

    void watch(@Observes StartupEvent ignored) {
        String pid = System.getenv("FLEETPLANE_PARENT_PID");
        if (pid == null || pid.isBlank()) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.trim()));
        if (parent.isEmpty()) {
            LOG.warnf("launcher %s is already gone; exiting", pid);
            Quarkus.asyncExit(1);
            return;
        }
        parent.get().onExit().thenRun(() -> {
            LOG.warnf("launcher %s exited; stopping", pid);
            Quarkus.asyncExit(0);
        });
    }
}
