package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.inventory.ObservedAttributes;
import dev.fleetplane.plancore.spec.CreateDefaults;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import dev.fleetplane.plancore.spec.VmAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a spec with what Proxmox shows and what fleetplane already manages, and decides per host
 * exactly one action: create, update, grow-disk, replace, destroy, forget, adopt or no-op. Pure: same
 * inputs, same plan; linear in the number of hosts and VMs.
 *
 * <p>Rules that keep people's VMs safe: attributes the spec does not write are never compared; config-only
 * attributes are compared only when the VM's config was read; a disk never shrinks (an error, not a plan);
 * readonly hosts are never changed; adopted or imported VMs are never destroyed (neither replaced); a host
 * that left the spec is destroyed only when the spec allows it, else forgotten.
 */
public final class DiffEngine {

    /** The tag fleetplane puts on the VMs it configures; not the user's, so never drift. */
    public static final String FLEETPLANE_TAG = "fleetplane";

    static final String ARROW = " → ";

    private final HostsSpec spec;
    private final Map<Integer, ObservedVm> byVmid = new HashMap<>();
    private final Map<String, ManagedHost> managed;
    private final List<PlannedChange> changes = new ArrayList<>();
    private final List<SpecProblem> errors = new ArrayList<>();
    private final List<String> unmanaged = new ArrayList<>();
    private final Map<String, ResourceState> states = new LinkedHashMap<>();
    private boolean templateChecked;

    private DiffEngine(HostsSpec spec, List<ObservedVm> observed, Map<String, ManagedHost> managed) {
        this.spec = spec;
        this.managed = managed;
        for (ObservedVm vm : observed) {
            byVmid.put(vm.vmid(), vm);
        }
    }

    /**
     * @param observed the inventory (every VM and template of the cluster)
     * @param managed  host name to what fleetplane manages for it in this fleet already
     */
    public static PlanDraft diff(HostsSpec spec, List<ObservedVm> observed, Map<String, ManagedHost> managed) {
        return new DiffEngine(spec, observed, managed).run();
    }

    private PlanDraft run() {
        Map<Integer, String> desiredVmids = new HashMap<>();
        Set<String> inSpec = new HashSet<>();
        for (HostSpec host : spec.hosts()) {
            if (host.proxmox().isEmpty()) {
                unmanaged.add(host.name());
                continue;
            }
            inSpec.add(host.name());
            desiredVmids.put(host.proxmox().get().vmid(), host.name());
            ProxmoxSettings px = spec.proxmox().orElseThrow(
                    () -> new IllegalArgumentException("a spec with Proxmox hosts must have _proxmox"));
            planHost(host, host.proxmox().get(), px);
        }
        for (Map.Entry<String, ManagedHost> e : new TreeMap<>(managed).entrySet()) {
            if (!inSpec.contains(e.getKey())) {
                planRemoved(e.getKey(), e.getValue(), desiredVmids);
            }
        }
        return new PlanDraft(List.copyOf(changes), List.copyOf(errors), List.copyOf(unmanaged),
                java.util.Collections.unmodifiableMap(states));
    }

    // ---- hosts in the spec ----

    private void planHost(HostSpec host, ProxmoxVm want, ProxmoxSettings px) {
        String name = host.name();
        String path = "hosts." + name + ".proxmox";
        ObservedVm have = byVmid.get(want.vmid());
        ManagedHost was = managed.get(name);
        boolean adopted = (was != null && was.adopted()) || !want.cloneFromTemplate();
        if (have != null && have.template()) {
            errors.add(new SpecProblem(path + ".vmid", "VMID " + want.vmid() + " is a template in Proxmox ("
                    + quote(have.name()) + " on " + have.node() + "); a host cannot use it"));
            return;
        }
        if (want.readonly()) {
            planReadonly(name, path, want, px, have, was);
            return;
        }
        if (was != null && was.vmid() != want.vmid()) {
            planMovedVmid(host, path, want, px, have, was, adopted);
            return;
        }
        if (have == null) {
            if (!want.cloneFromTemplate()) {
                errors.add(new SpecProblem(path + ".cloneFromTemplate", "is false (an imported VM), but VMID "
                        + want.vmid() + " does not exist in Proxmox: fleetplane adopts imported VMs and never "
                        + "clones them; create the VM or correct the vmid"));
                return;
            }
            List<String> notes = was == null ? List.of()
                    : List.of("# the VM is gone from Proxmox (deleted outside fleetplane); it is created again");
            create(host, want, px, was == null ? null : "vm_missing", notes);
            return;
        }
        Drift drift = drift(path, want, px, have);
        if (was == null) {
            adopt(name, want, px, have, drift, List.of());
            return;
        }
        if (drift.shrink() != null) {
            errors.add(drift.shrink());
            return;
        }
        Map<String, Object> before = observedState(have, want);
        Map<String, Object> after = afterState(before, want, px, drift.compared);
        if (drift.changes.isEmpty()) {
            add(new PlannedChange(name, PlanDraft.NO_OP, want.vmid(), have.node(), List.of(), List.of(), null),
                    before, after);
            return;
        }
        List<AttributeChange> forcing = drift.changes.stream().filter(AttributeChange::forcesReplacement).toList();
        if (!forcing.isEmpty()) {
            if (adopted) {
                for (AttributeChange f : forcing) {
                    errors.add(new SpecProblem(path + "." + f.name(), "changing " + f.name() + " from "
                            + show(f.name(), f.before()) + " to " + show(f.name(), f.after())
                            + " needs a new VM, but " + name + " was " + (want.cloneFromTemplate() ? "adopted"
                            : "imported (cloneFromTemplate = false)") + " and fleetplane never destroys such a VM; "
                            + "change it back, or add " + f.name() + " to ignoreChangesExtra"));
                }
                return;
            }
            checkTemplate(px);
            add(new PlannedChange(name, PlanDraft.REPLACE, want.vmid(), have.node(), changeLines(drift.changes),
                    drift.changes, "replace_because_cannot_update"), before, after);
            return;
        }
        boolean diskOnly = drift.changes.stream().allMatch(c -> c.name().equals(VmAttribute.DISK.key()));
        add(new PlannedChange(name, diskOnly ? PlanDraft.GROW_DISK : PlanDraft.UPDATE, want.vmid(), have.node(),
                changeLines(drift.changes), drift.changes, null), before, after);
    }

    private void planReadonly(String name, String path, ProxmoxVm want, ProxmoxSettings px, ObservedVm have,
                              ManagedHost was) {
        if (have == null) {
            errors.add(new SpecProblem(path + ".readonly", "is true, but VMID " + want.vmid() + " does not exist in "
                    + "Proxmox: fleetplane never creates a readonly host; create the VM or correct the vmid"));
            return;
        }
        Drift drift = drift(path, want, px, have);
        List<String> notes = new ArrayList<>();
        for (String line : changeLines(drift.changes)) {
            notes.add("# readonly, not changed: " + line);
        }
        if (was == null || was.vmid() != want.vmid()) {
            adopt(name, want, px, have, null, notes);
            return;
        }
        Map<String, Object> before = observedState(have, want);
        add(new PlannedChange(name, PlanDraft.NO_OP, want.vmid(), have.node(), List.copyOf(notes), List.of(),
                "readonly"), before, before);
    }

    /** The spec gave a managed host another VMID. */
    private void planMovedVmid(HostSpec host, String path, ProxmoxVm want, ProxmoxSettings px, ObservedVm have,
                               ManagedHost was, boolean adopted) {
        String name = host.name();
        ObservedVm old = byVmid.get(was.vmid());
        String moved = "# the host was vmid " + was.vmid();
        if (have != null) {
            adopt(name, want, px, have, drift(path, want, px, have),
                    List.of(moved + "; that VM is no longer managed by this host"));
            return;
        }
        if (old == null) {
            if (!want.cloneFromTemplate()) {
                errors.add(new SpecProblem(path + ".cloneFromTemplate", "is false (an imported VM), but VMID "
                        + want.vmid() + " does not exist in Proxmox: fleetplane never clones imported VMs"));
                return;
            }
            create(host, want, px, "vm_missing", List.of(moved + ", which no longer exists"));
            return;
        }
        if (adopted || was.readonly()) {
            errors.add(new SpecProblem(path + ".vmid", "changing vmid from " + was.vmid() + " to " + want.vmid()
                    + " needs a new VM, but " + name + " was adopted and fleetplane never destroys adopted VMs; "
                    + "change the vmid back, or remove the host from the spec (it is forgotten) and add it again"));
            return;
        }
        // A new VM is made: a smaller disk than the old VM's is no shrink.
        Drift drift = drift(path, want, px, old);
        checkTemplate(px);
        List<AttributeChange> all = new ArrayList<>();
        all.add(new AttributeChange("vmid", Integer.toString(was.vmid()), Integer.toString(want.vmid()), true));
        all.addAll(drift.changes);
        Map<String, Object> before = observedState(old, want);
        Map<String, Object> after = afterState(before, want, px, drift.compared);
        after.put("vmid", want.vmid());
        add(new PlannedChange(name, PlanDraft.REPLACE, want.vmid(), old.node(), changeLines(all), List.copyOf(all),
                "replace_because_cannot_update"), before, after);
    }

    private void create(HostSpec host, ProxmoxVm want, ProxmoxSettings px, String reason, List<String> notes) {
        checkTemplate(px);
        Map<String, String> origins = new HashMap<>();
        Map<String, Object> after = desiredState(host, want, px, templateDisk(px), origins);
        List<String> lines = new ArrayList<>(notes);
        List<AttributeChange> attributes = new ArrayList<>();
        for (Map.Entry<String, Object> e : after.entrySet()) {
            String origin = origins.get(e.getKey());
            lines.add(e.getKey() + " = " + showTyped(e.getValue()) + (origin == null ? "" : " (" + origin + ")"));
            attributes.add(new AttributeChange(e.getKey(), null, plain(e.getValue()), false));
        }
        if (!after.containsKey(VmAttribute.DISK_INTERFACE.key())) {
            lines.add("# diskInterface: the boot disk of template " + px.templateVmid()
                    + " (its config is not in this inventory), found when the disk is grown");
        }
        add(new PlannedChange(host.name(), PlanDraft.CREATE, want.vmid(), px.node(), List.copyOf(lines),
                List.copyOf(attributes), reason), null, after);
    }

    /** The template's boot disk, which every clone boots from; empty when its config was not read. */
    private Optional<String> templateDisk(ProxmoxSettings px) {
        ObservedVm template = byVmid.get(px.templateVmid());
        return template == null || !template.template() ? Optional.empty()
                : ObservedAttributes.bootDiskKey(template.config());
    }

    private void adopt(String name, ProxmoxVm want, ProxmoxSettings px, ObservedVm have, Drift drift,
                       List<String> notes) {
        List<String> lines = new ArrayList<>(notes);
        lines.add("vmid = " + have.vmid());
        lines.add("name = " + quote(have.name()));
        lines.add("node = " + quote(have.node()));
        lines.add("status = " + quote(have.status()));
        if (drift != null) {
            for (String line : changeLines(drift.changes)) {
                lines.add("# differs from the spec (the next plan after adoption changes it): " + line);
            }
        }
        Map<String, Object> state = observedState(have, want);
        add(new PlannedChange(name, PlanDraft.ADOPT, have.vmid(), have.node(), List.copyOf(lines), List.of(),
                want.readonly() ? "readonly" : null), state, state);
    }

    // ---- hosts that left the spec ----

    private void planRemoved(String name, ManagedHost was, Map<Integer, String> desiredVmids) {
        ObservedVm have = byVmid.get(was.vmid());
        if (have == null) {
            forget(name, was, null, "vm_missing", "# the VM no longer exists in Proxmox");
            return;
        }
        String claimedBy = desiredVmids.get(was.vmid());
        if (claimedBy != null) {
            forget(name, was, have, "vmid_claimed", "# vmid " + was.vmid() + " now belongs to host " + claimedBy);
        } else if (was.adopted()) {
            forget(name, was, have, "adopted", "# the VM was adopted: fleetplane never destroys adopted VMs");
        } else if (was.readonly()) {
            forget(name, was, have, "readonly", "# the host was readonly: fleetplane never destroys it");
        } else if (!spec.fleetplane().allowDestroy() && !was.allowDestroy()) {
            forget(name, was, have, "destroy_not_allowed", "# to destroy it instead, set _fleetplane.allowDestroy"
                    + " = true (or proxmox.allowDestroy = true on the host before removing it)");
        } else {
            Map<String, Object> before = observedState(have, null);
            List<String> lines = new ArrayList<>();
            List<AttributeChange> attributes = new ArrayList<>();
            for (Map.Entry<String, Object> e : before.entrySet()) {
                lines.add(e.getKey() + " = " + showTyped(e.getValue()));
                attributes.add(new AttributeChange(e.getKey(), plain(e.getValue()), null, false));
            }
            add(new PlannedChange(name, PlanDraft.DESTROY, was.vmid(), have.node(), List.copyOf(lines),
                    List.copyOf(attributes), "delete_because_no_resource_config"), before, null);
        }
    }

    private void forget(String name, ManagedHost was, ObservedVm have, String reason, String note) {
        Map<String, Object> before = have != null ? observedState(have, null) : new LinkedHashMap<>(Map.of("vmid", was.vmid()));
        add(new PlannedChange(name, PlanDraft.FORGET, was.vmid(), have != null ? have.node() : null,
                List.of("vmid = " + was.vmid(), note), List.of(), reason), before, null);
    }

    // ---- comparing ----

    /**
     * The attribute changes of a VM against the spec.
     *
     * @param shrink the spec's disk is smaller than the VM's: an error where the VM would be changed in place
     */
    private record Drift(List<AttributeChange> changes, Set<VmAttribute> compared, SpecProblem shrink) {
    }

    private Drift drift(String path, ProxmoxVm want, ProxmoxSettings px, ObservedVm have) {
        Map<VmAttribute, String> seen = ObservedAttributes.of(have, want.diskInterface().orElse(null));
        Set<VmAttribute> ignored = want.ignored();
        List<AttributeChange> out = new ArrayList<>();
        Set<VmAttribute> compared = new HashSet<>();
        SpecProblem shrink = null;
        for (VmAttribute a : VmAttribute.values()) {
            Optional<String> desired = desired(a, want);
            String observed = seen.get(a);
            if (desired.isEmpty() || observed == null || ignored.contains(a) || (a.initOnly() && want.ignoreInit())) {
                continue;
            }
            compared.add(a);
            if (a == VmAttribute.DISK) {
                if (have.diskBytes() <= 0) {
                    // Proxmox does not know the size yet (a clone in progress): unknown, not drift.
                    compared.remove(a);
                    continue;
                }
                if (want.diskBytes() < have.diskBytes()) {
                    shrink = new SpecProblem(path + ".disk", "is " + want.disk() + " but the VM's disk is already "
                            + observed + "; Proxmox cannot shrink a disk: set disk to at least " + observed);
                }
                if (want.diskBytes() != have.diskBytes()) {
                    out.add(new AttributeChange(a.key(), observed, desired.get(), false));
                }
            } else if (a == VmAttribute.TAGS) {
                if (!tagSet(desired.get()).equals(tagSet(observed))) {
                    out.add(new AttributeChange(a.key(), observed, desired.get(), false));
                }
            } else if (!desired.get().equals(observed)) {
                out.add(new AttributeChange(a.key(), observed, desired.get(), a.forcesReplacement()));
            }
        }
        return new Drift(List.copyOf(out), compared, shrink);
    }

    /** What the spec wants for {@code a}; empty when the spec does not write it (never compared then). */
    private static Optional<String> desired(VmAttribute a, ProxmoxVm want) {
        return switch (a) {
            case NAME -> Optional.of(want.name());
            case CORES -> Optional.of(Integer.toString(want.cores()));
            case MEMORY -> Optional.of(Integer.toString(want.memoryMb()));
            case DISK -> Optional.of(want.disk());
            case STORAGE -> want.storage();
            case DISK_INTERFACE -> want.diskInterface();
            case BIOS -> want.bios();
            case CPU_TYPE -> want.cpuType();
            case MACHINE -> want.machine();
            case ON_BOOT -> want.onBoot().map(String::valueOf);
            case TAGS -> want.tags().map(t -> String.join(";", t));
            case DESCRIPTION -> want.description();
        };
    }

    private static Set<String> tagSet(String joined) {
        Set<String> s = new TreeSet<>(Arrays.asList(joined.split(";")));
        s.remove("");
        s.remove(FLEETPLANE_TAG);
        return s;
    }

    private void checkTemplate(ProxmoxSettings px) {
        if (templateChecked) {
            return;
        }
        templateChecked = true;
        ObservedVm template = byVmid.get(px.templateVmid());
        if (template == null) {
            errors.add(new SpecProblem("_proxmox.templateVmid", "template " + px.templateVmid()
                    + " does not exist in Proxmox; build or restore it before creating hosts"));
        } else if (!template.template()) {
            errors.add(new SpecProblem("_proxmox.templateVmid", "VMID " + px.templateVmid() + " ("
                    + quote(template.name()) + ") is a VM, not a template"));
        }
    }

    // ---- states for the JSON face ----

    /**
     * What a created VM will be: the spec's attributes, the template's boot disk, and the seed's defaults
     * ({@link CreateDefaults}) for the rest; {@code origins} says where a value not written in the spec comes from.
     */
    private static Map<String, Object> desiredState(HostSpec host, ProxmoxVm want, ProxmoxSettings px,
                                                    Optional<String> templateDisk, Map<String, String> origins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vmid", want.vmid());
        m.put("name", want.name());
        m.put("node", px.node());
        m.put("clone", px.templateVmid());
        m.put("cores", want.cores());
        m.put("memory", want.memoryMb());
        m.put("disk", want.disk());
        m.put("storage", want.storage().orElse(px.defaultStorage()));
        if (want.diskInterface().isPresent()) {
            m.put("diskInterface", want.diskInterface().get());
        } else if (templateDisk.isPresent()) {
            m.put("diskInterface", templateDisk.get());
            origins.put("diskInterface", "from template " + px.templateVmid());
        }
        want.bios().ifPresent(v -> m.put("bios", v));
        m.put("cpuType", CreateDefaults.cpuType(want));
        want.machine().ifPresent(v -> m.put("machine", v));
        m.put("onBoot", CreateDefaults.onBoot(want));
        m.put("tags", CreateDefaults.tags(want));
        m.put("description", CreateDefaults.description(host, want));
        for (String key : List.of("cpuType", "onBoot", "tags", "description")) {
            VmAttribute a = VmAttribute.byKey(key).orElseThrow();
            if (desired(a, want).isEmpty()) {
                origins.put(key, "default");
            }
        }
        return m;
    }

    /** Everything known about the VM; {@code want} picks which disk counts when the VM has several. */
    private static Map<String, Object> observedState(ObservedVm have, ProxmoxVm want) {
        Map<VmAttribute, String> seen = ObservedAttributes.of(have,
                want == null ? null : want.diskInterface().orElse(null));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vmid", have.vmid());
        m.put("node", have.node());
        for (Map.Entry<VmAttribute, String> e : seen.entrySet()) {
            m.put(e.getKey().key(), typed(e.getKey(), e.getValue()));
        }
        return m;
    }

    private static Map<String, Object> afterState(Map<String, Object> before, ProxmoxVm want, ProxmoxSettings px,
                                                  Set<VmAttribute> compared) {
        Map<String, Object> after = new LinkedHashMap<>(before);
        for (VmAttribute a : compared) {
            desired(a, want).ifPresent(v -> after.put(a.key(), typed(a, v)));
        }
        return after;
    }

    static Object typed(VmAttribute a, String value) {
        if (a.numeric()) {
            return Long.parseLong(value);
        }
        if (a.bool()) {
            return Boolean.parseBoolean(value);
        }
        if (a == VmAttribute.TAGS) {
            return Arrays.stream(value.split(";")).filter(t -> !t.isEmpty()).toList();
        }
        return value;
    }

    private void add(PlannedChange change, Map<String, Object> before, Map<String, Object> after) {
        changes.add(change);
        states.put(change.host(), new ResourceState(before == null ? null : java.util.Collections.unmodifiableMap(before),
                after == null ? null : java.util.Collections.unmodifiableMap(after)));
    }

    // ---- how values read ----

    static List<String> changeLines(List<AttributeChange> changes) {
        List<String> lines = new ArrayList<>();
        for (AttributeChange c : changes) {
            lines.add(c.name() + ": " + show(c.name(), c.before()) + ARROW + show(c.name(), c.after())
                    + (c.forcesReplacement() ? " # forces replacement" : ""));
        }
        return List.copyOf(lines);
    }

    /** A value as plans show it: numbers bare, tags as a list, the rest quoted. */
    static String show(String attribute, String value) {
        if (value == null) {
            return "null";
        }
        if (attribute.equals("vmid") || VmAttribute.byKey(attribute).map(a -> a.numeric() || a.bool()).orElse(false)) {
            return value;
        }
        if (attribute.equals(VmAttribute.TAGS.key())) {
            return showTyped(typed(VmAttribute.TAGS, value));
        }
        return quote(value);
    }

    static String showTyped(Object v) {
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(quote(String.valueOf(list.get(i))));
            }
            return sb.append(']').toString();
        }
        return v instanceof String s ? quote(s) : String.valueOf(v);
    }

    private static String plain(Object v) {
        return v instanceof List<?> list ? String.join(";", list.stream().map(String::valueOf).toList()) : String.valueOf(v);
    }

    static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
