package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.commands.Command;
import dev.fleetplane.adapter.commands.CommandHandler;
import dev.fleetplane.adapter.commands.CommandHandlers;
import dev.fleetplane.adapter.commands.Outcome;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskCompletion;
import dev.fleetplane.adapter.task.TaskCompletions;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Json;
import dev.fleetplane.proxmox.client.PveException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which handler takes a command and which completion answers a finished task: by declared kind and operation. */
class HandlerRegistryTest {

    @Test
    void aCommandGoesToTheHandlerOfItsKind_anotherKindToNone_andTheAcceptedKindsAreNamedSorted() {
        CommandHandler start = handler(EventCatalog.START_VM);
        CommandHandler clone = handler(EventCatalog.CLONE_VM);
        CommandHandlers handlers = new CommandHandlers(List.of(start, clone));

        assertSame(start, handlers.forEvent(event(EventCatalog.START_VM)).orElseThrow());
        assertSame(clone, handlers.forEvent(event(EventCatalog.CLONE_VM)).orElseThrow());
        assertTrue(handlers.forEvent(event(EventCatalog.VM_CLONED)).isEmpty(), "an answer is no command");
        assertEquals(EventCatalog.CLONE_VM.type() + ", " + EventCatalog.START_VM.type(), handlers.accepted());
    }

    @Test
    void twoHandlersForOneKind_areRefusedNamingTheKind() {
        var e = assertThrows(IllegalStateException.class, () -> new CommandHandlers(
                List.of(handler(EventCatalog.STOP_VM), handler(EventCatalog.STOP_VM))));
        assertTrue(e.getMessage().contains(EventCatalog.STOP_VM.type()), e.getMessage());
    }

    @Test
    void aFinishedTaskGoesToTheCompletionOfItsOperation_anUnknownOperationIsAnError_neverAGuess() {
        TaskCompletion stop = completion("shutdown", "stop");
        TaskCompletions completions = new TaskCompletions(List.of(stop, completion("start")));

        assertSame(stop, completions.of(task("shutdown")));
        assertSame(stop, completions.of(task("stop")));
        var e = assertThrows(IllegalStateException.class, () -> completions.of(task("exploded")));
        assertTrue(e.getMessage().contains("'exploded'"), e.getMessage());
    }

    @Test
    void twoCompletionsForOneOperation_areRefusedNamingIt() {
        var e = assertThrows(IllegalStateException.class, () -> new TaskCompletions(
                List.of(completion("start"), completion("stop", "start"))));
        assertTrue(e.getMessage().contains("'start'"), e.getMessage());
    }

    private static CommandHandler handler(EventKind<?> kind) {
        return new CommandHandler() {
            @Override
            public EventKind<?> kind() {
                return kind;
            }

            @Override
            public Outcome handle(Command command) {
                return c -> { };
            }
        };
    }

    private static TaskCompletion completion(String... operations) {
        return new TaskCompletion() {
            @Override
            public Set<String> operations() {
                return Set.of(operations);
            }

            @Override
            public Outcome succeeded(PendingTask task) {
                return c -> { };
            }

            @Override
            public Outcome failed(PendingTask task, PveException failure) {
                return c -> { };
            }
        };
    }

    private static FleetEvent event(EventKind<?> kind) {
        return new FleetEvent("e-1", kind.type(), "/test", "web-1", OffsetDateTime.now(), "plan-1", null,
                Json.MAPPER.createObjectNode());
    }

    private static PendingTask task(String operation) {
        return new PendingTask(1, null, "pve", 111, operation, "e-1", EventCatalog.START_VM.type(), "web-1", "web-1",
                "plan-1", Map.of(), Instant.now(), Instant.now());
    }
}
