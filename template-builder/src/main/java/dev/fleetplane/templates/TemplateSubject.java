package dev.fleetplane.templates;

/**
 * The subject (and Kafka key) of the template builder's commands to the adapter: {@code template:<name>}. Never a
 * valid host name, so the planner never takes them for a host's story, and the adapter's ownership records tie every
 * VM a build made (candidate, probe, template) to it.
 */
public final class TemplateSubject {

    private static final String PREFIX = "template:";

    private TemplateSubject() {
    }

    public static String of(String template) {
        return PREFIX + template;
    }

    public static boolean is(String subject) {
        return subject != null && subject.startsWith(PREFIX);
    }
}
