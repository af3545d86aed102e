package dev.fleetplane.events.plans;

/**
 * One attribute a plan changes, before → after as the user wrote them ({@code cores}, {@code memory},
 * {@code disk}, {@code bios}, ...). {@code before} is null for a create, {@code after} for a destroy.
 *
 * @param forcesReplacement the change cannot be made in place: the VM is destroyed and created again
 */
public record AttributeChange(String name, String before, String after, boolean forcesReplacement) {
}
