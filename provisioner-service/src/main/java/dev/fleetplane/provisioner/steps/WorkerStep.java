package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.saga.SagaState;

/**
 * A step of the saga that a {@link StepWorker} runs for one host, on one SSH connection; it stores its result with its
 * events in one transaction, so a restart resumes at the step it was in.
 */
interface WorkerStep {

    /** The saga state this step runs in; {@link StepWorker} keys its steps by it. */
    SagaState state();

    /**
     * Runs the step for {@code host}'s saga.
     *
     * @param address the address to probe; null for the steps that use the saga's own
     * @return the next worker step of the same host, or null when the saga now waits for the scheduler (or ended)
     */
    SagaState run(String host, String address);
}
