package dev.fleetplane.messaging;

import dev.fleetplane.events.EventKind;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Who consumes and what it accepts, as the {@link ConsumerPipeline} needs to know it.
 *
 * @param name        the consumer's name in the inbox and in the dead-letter headers
 * @param handled     the types it handles; empty means every type (a topic other services also talk on)
 * @param othersDead  whether a type outside {@code handled} is dead-lettered (a topic only this consumer reads)
 *                    rather than skipped
 * @param ignored     types skipped without a trace even when others are dead-lettered (its own answers)
 * @param inbox       whether the inbox records each handled event; false when the handler's own write is keyed by
 *                    the event id
 */
public record EventConsumer(String name, Set<String> handled, boolean othersDead, Set<String> ignored,
                            boolean inbox) {

    public EventConsumer {
        handled = Set.copyOf(handled);
        ignored = Set.copyOf(ignored);
    }

    /** A consumer of every type on its topics, deduped by the inbox. */
    public static EventConsumer named(String name) {
        return new EventConsumer(name, Set.of(), false, Set.of(), true);
    }

    /** Handles only {@code kinds}; any other type is a mistake and goes to the DLQ naming the accepted ones. */
    public EventConsumer handling(EventKind<?>... kinds) {
        return new EventConsumer(name, types(kinds), true, ignored, inbox);
    }

    /** Handles only {@code kinds} on a topic shared with others: any other type is skipped before the inbox. */
    public EventConsumer handlingOnly(EventKind<?>... kinds) {
        return new EventConsumer(name, types(kinds), false, ignored, inbox);
    }

    /** Types on its topic that are skipped, not dead-lettered. */
    public EventConsumer ignoring(EventKind<?>... kinds) {
        return new EventConsumer(name, handled, othersDead, types(kinds), inbox);
    }

    /** The handler's own write is keyed by the event id, so an inbox row would only repeat it. */
    public EventConsumer withoutInbox() {
        return new EventConsumer(name, handled, othersDead, ignored, false);
    }

    /** What happens to an event of {@code type} before any handler runs. */
    public Admission admit(String type) {
        if (ignored.contains(type)) {
            return Admission.SKIP;
        }
        if (handled.isEmpty() || handled.contains(type)) {
            return Admission.HANDLE;
        }
        return othersDead ? Admission.DEAD_LETTER : Admission.SKIP;
    }

    /** The reason a refused type is dead-lettered with. */
    public String refusal(String type, String eventId) {
        return type + " (event " + eventId + ") is not a type " + name + " handles; expected one of "
                + String.join(", ", new TreeSet<>(handled));
    }

    public enum Admission { HANDLE, SKIP, DEAD_LETTER }

    private static Set<String> types(EventKind<?>... kinds) {
        return Arrays.stream(kinds).map(EventKind::type).collect(Collectors.toUnmodifiableSet());
    }
}
