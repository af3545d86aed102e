package dev.fleetplane.adapter.task;

import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The completion of each task operation, from the completions the handlers declare. Built at start-up: two completions
 * for one operation stop the adapter, naming both. A row of an operation none completes (another adapter version's?)
 * has no known answer, so none is invented: asking for it is an error.
 */
@Startup
@Singleton
public class TaskCompletions {

    private final Map<String, TaskCompletion> byOperation = new HashMap<>();

    @Inject
    public TaskCompletions(@All List<TaskCompletion> completions) {
        for (TaskCompletion completion : completions) {
            for (String operation : completion.operations()) {
                TaskCompletion other = byOperation.putIfAbsent(operation, completion);
                if (other != null) {
                    throw new IllegalStateException("two completions for task operation '" + operation + "': "
                            + other.getClass().getName() + " and " + completion.getClass().getName());
                }
            }
        }
    }

    /** The completion of {@code task}'s operation; an unknown operation throws, naming the row. */
    public TaskCompletion of(PendingTask task) {
        TaskCompletion completion = byOperation.get(task.operation());
        if (completion == null) {
            throw new IllegalStateException("no answer known for a finished task of operation '" + task.operation()
                    + "' (VM " + task.vmid() + ", " + task.logContext() + ")");
        }
        return completion;
    }
}
