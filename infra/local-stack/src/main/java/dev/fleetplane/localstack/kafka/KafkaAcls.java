package dev.fleetplane.localstack.kafka;

import dev.fleetplane.events.Topics;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may do what on a broker with authentication on: the topic table of docs/ARCHITECTURE.md as ACLs. A service
 * reads the topics it consumes (with its consumer groups, by prefix), writes the topics it publishes and the
 * {@code .dlq} of each topic it consumes; nothing else. Pure: {@link #bindings()} is applied by {@link KafkaBroker}.
 */
public final class KafkaAcls {

    /**
     * One service's rights.
     *
     * @param user        its SCRAM user
     * @param reads       topics it consumes (and whose {@code .dlq} it writes)
     * @param writes      topics it publishes to
     * @param groupPrefix the prefix of its consumer group ids, or empty when it consumes nothing
     */
    public record Grant(String user, Set<String> reads, Set<String> writes, String groupPrefix) {
        public Grant {
            reads = Set.copyOf(reads);
            writes = Set.copyOf(writes);
        }

        /** Every topic this user may write, dead-letter topics included. */
        public Set<String> writableTopics() {
            var all = new TreeSet<>(writes);
            reads.forEach(t -> all.add(Topics.dlq(t)));
            return all;
        }
    }

    private static final Set<String> SOURCE_TOPICS = Set.of(
            Topics.FLEET_DESIRED, Topics.FLEET_PLANS, Topics.PVE_COMMANDS, Topics.PVE_EVENTS,
            Topics.PROVISIONING_COMMANDS, Topics.PROVISIONING_EVENTS, Topics.TEMPLATES_COMMANDS,
            Topics.TEMPLATES_EVENTS, Topics.CONSOLE_SESSIONS);

    /**
     * The matrix. The planner reads every topic (its event log stores them all) and may write every topic: it is the
     * only one that publishes {@code fleet.*} and {@code provisioning.commands}, and an operator's dead-letter replay
     * (its dashboard) puts a record back on the topic it came from, whichever that is.
     */
    public static final List<Grant> GRANTS = List.of(
            new Grant("planner", SOURCE_TOPICS, SOURCE_TOPICS, "planner."),
            new Grant("proxmox-adapter", Set.of(Topics.PVE_COMMANDS), Set.of(Topics.PVE_EVENTS), "proxmox-adapter"),
            new Grant("provisioner", Set.of(Topics.PROVISIONING_COMMANDS, Topics.PVE_EVENTS),
                    Set.of(Topics.PROVISIONING_EVENTS, Topics.PVE_COMMANDS), "provisioner."),
            new Grant("template-builder", Set.of(Topics.TEMPLATES_COMMANDS, Topics.PVE_EVENTS),
                    Set.of(Topics.TEMPLATES_COMMANDS, Topics.TEMPLATES_EVENTS, Topics.PVE_COMMANDS),
                    "template-builder."),
            new Grant("console-gateway", Set.of(), Set.of(Topics.CONSOLE_SESSIONS), ""));

    private KafkaAcls() {
    }

    public static Grant grantOf(String user) {
        return GRANTS.stream().filter(g -> g.user().equals(user)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no ACL grant for kafka user " + user));
    }

    /** The ACLs of {@link #GRANTS}: READ on topics read and the group prefix, WRITE on topics written, all ALLOW. */
    public static List<AclBinding> bindings() {
        var out = new ArrayList<AclBinding>();
        for (Grant g : GRANTS) {
            String principal = "User:" + g.user();
            for (String topic : new TreeSet<>(g.reads())) {
                out.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
                // Its dead letters: written by its pipeline, read back by the planner's browser only.
                out.add(allow(principal, ResourceType.TOPIC, Topics.dlq(topic), PatternType.LITERAL,
                        AclOperation.WRITE));
            }
            for (String topic : new TreeSet<>(g.writes())) {
                out.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
                // DESCRIBE comes with READ but not with WRITE; a producer needs it for the topic's metadata.
                out.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
            }
            if (!g.groupPrefix().isEmpty()) {
                out.add(allow(principal, ResourceType.GROUP, g.groupPrefix(), PatternType.PREFIXED,
                        AclOperation.READ));
            }
        }
        // The planner's dashboard browses every dead-letter topic.
        for (String topic : new TreeSet<>(SOURCE_TOPICS)) {
            out.add(allow("User:planner", ResourceType.TOPIC, Topics.dlq(topic), PatternType.LITERAL,
                    AclOperation.READ));
        }
        return List.copyOf(out);
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
