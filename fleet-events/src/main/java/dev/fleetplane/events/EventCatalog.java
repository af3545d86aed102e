package dev.fleetplane.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.console.ConsoleSessionClosed;
import dev.fleetplane.events.console.ConsoleSessionOpened;
import dev.fleetplane.events.desired.PatchHost;
import dev.fleetplane.events.desired.SpecAccepted;
import dev.fleetplane.events.desired.SpecRejected;
import dev.fleetplane.events.desired.SpecSubmitted;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlanApplied;
import dev.fleetplane.events.plans.PlanComputed;
import dev.fleetplane.events.provisioning.HardwareConfigGenerated;
import dev.fleetplane.events.provisioning.HostKeyDiscovered;
import dev.fleetplane.events.provisioning.IpChanged;
import dev.fleetplane.events.provisioning.IpResolved;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.provisioning.ProvisioningFailed;
import dev.fleetplane.events.provisioning.ProvisioningRetried;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.provisioning.RebuildOutput;
import dev.fleetplane.events.provisioning.RebuildSucceeded;
import dev.fleetplane.events.provisioning.RetryProvisioning;
import dev.fleetplane.events.provisioning.TailscaleEnrolled;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.ConvertToTemplate;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.ImageUploadProgress;
import dev.fleetplane.events.pve.ImageUploaded;
import dev.fleetplane.events.pve.ImportVm;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.events.pve.RebootVm;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.RestoreVm;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.events.pve.UploadImage;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmRebooted;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.events.pve.VmImported;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.events.pve.VmRestored;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.events.pve.VmStopped;
import dev.fleetplane.events.pve.VmTemplated;
import dev.fleetplane.events.templates.BuildTemplate;
import dev.fleetplane.events.templates.TemplateBuildOutput;
import dev.fleetplane.events.templates.TemplateBuildStarted;
import dev.fleetplane.events.templates.TemplateBuilt;
import dev.fleetplane.events.templates.TemplateCandidateCreated;
import dev.fleetplane.events.templates.TemplateDeleted;
import dev.fleetplane.events.templates.TemplateImageChecked;
import dev.fleetplane.events.templates.TemplateReady;
import dev.fleetplane.events.templates.TemplateRejected;
import dev.fleetplane.events.templates.TemplateSmokeTested;
import dev.fleetplane.events.templates.TemplateUploadProgress;
import dev.fleetplane.events.templates.TemplateUploaded;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every event and command fleetplane knows, by CloudEvents type. A breaking change adds a new kind
 * with the next schema version beside the old one; both stay here so the log replays forever.
 */
public final class EventCatalog {

    // fleet.desired
    public static final EventKind<SpecSubmitted> SPEC_SUBMITTED =
            new EventKind<>("fleetplane.spec.submitted", 1, SpecSubmitted.class, Topics.FLEET_DESIRED);
    public static final EventKind<PatchHost> PATCH_HOST =
            new EventKind<>("fleetplane.spec.host-patch-requested", 1, PatchHost.class, Topics.FLEET_DESIRED);
    public static final EventKind<SpecAccepted> SPEC_ACCEPTED =
            new EventKind<>("fleetplane.spec.accepted", 1, SpecAccepted.class, Topics.FLEET_DESIRED);
    public static final EventKind<SpecRejected> SPEC_REJECTED =
            new EventKind<>("fleetplane.spec.rejected", 1, SpecRejected.class, Topics.FLEET_DESIRED);

    // fleet.plans
    public static final EventKind<PlanComputed> PLAN_COMPUTED =
            new EventKind<>("fleetplane.plan.computed", 1, PlanComputed.class, Topics.FLEET_PLANS);
    public static final EventKind<PlanApplied> PLAN_APPLIED =
            new EventKind<>("fleetplane.plan.applied", 1, PlanApplied.class, Topics.FLEET_PLANS);
    public static final EventKind<HostStateChanged> HOST_STATE_CHANGED =
            new EventKind<>("fleetplane.host.state-changed", 1, HostStateChanged.class, Topics.FLEET_PLANS);

    // pve.commands
    public static final EventKind<SyncInventory> SYNC_INVENTORY =
            new EventKind<>("fleetplane.inventory.sync-requested", 1, SyncInventory.class, Topics.PVE_COMMANDS);
    public static final EventKind<CloneVm> CLONE_VM =
            new EventKind<>("fleetplane.vm.clone-requested", 1, CloneVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<ConfigureVm> CONFIGURE_VM =
            new EventKind<>("fleetplane.vm.configure-requested", 1, ConfigureVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<StartVm> START_VM =
            new EventKind<>("fleetplane.vm.start-requested", 1, StartVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<ResizeDisk> RESIZE_DISK =
            new EventKind<>("fleetplane.vm.resize-requested", 1, ResizeDisk.class, Topics.PVE_COMMANDS);
    public static final EventKind<StopVm> STOP_VM =
            new EventKind<>("fleetplane.vm.stop-requested", 1, StopVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<RebootVm> REBOOT_VM =
            new EventKind<>("fleetplane.vm.reboot-requested", 1, RebootVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<DestroyVm> DESTROY_VM =
            new EventKind<>("fleetplane.vm.destroy-requested", 1, DestroyVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<RestoreVm> RESTORE_VM =
            new EventKind<>("fleetplane.vm.restore-requested", 1, RestoreVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<ConvertToTemplate> CONVERT_TO_TEMPLATE =
            new EventKind<>("fleetplane.vm.template-requested", 1, ConvertToTemplate.class, Topics.PVE_COMMANDS);
    public static final EventKind<UploadImage> UPLOAD_IMAGE =
            new EventKind<>("fleetplane.image.upload-requested", 1, UploadImage.class, Topics.PVE_COMMANDS);
    public static final EventKind<ImportVm> IMPORT_VM =
            new EventKind<>("fleetplane.vm.import-requested", 1, ImportVm.class, Topics.PVE_COMMANDS);
    public static final EventKind<QueryGuestNetwork> QUERY_GUEST_NETWORK =
            new EventKind<>("fleetplane.guest.network-requested", 1, QueryGuestNetwork.class, Topics.PVE_COMMANDS);

    // pve.events
    public static final EventKind<InventoryObserved> INVENTORY_OBSERVED =
            new EventKind<>("fleetplane.inventory.observed", 1, InventoryObserved.class, Topics.PVE_EVENTS);
    public static final EventKind<VmCloned> VM_CLONED =
            new EventKind<>("fleetplane.vm.cloned", 1, VmCloned.class, Topics.PVE_EVENTS);
    public static final EventKind<VmRestored> VM_RESTORED =
            new EventKind<>("fleetplane.vm.restored", 1, VmRestored.class, Topics.PVE_EVENTS);
    public static final EventKind<VmTemplated> VM_TEMPLATED =
            new EventKind<>("fleetplane.vm.templated", 1, VmTemplated.class, Topics.PVE_EVENTS);
    public static final EventKind<ImageUploadProgress> IMAGE_UPLOAD_PROGRESS =
            new EventKind<>("fleetplane.image.upload-progressed", 1, ImageUploadProgress.class, Topics.PVE_EVENTS);
    public static final EventKind<ImageUploaded> IMAGE_UPLOADED =
            new EventKind<>("fleetplane.image.uploaded", 1, ImageUploaded.class, Topics.PVE_EVENTS);
    public static final EventKind<VmImported> VM_IMPORTED =
            new EventKind<>("fleetplane.vm.imported", 1, VmImported.class, Topics.PVE_EVENTS);
    public static final EventKind<VmConfigured> VM_CONFIGURED =
            new EventKind<>("fleetplane.vm.configured", 1, VmConfigured.class, Topics.PVE_EVENTS);
    public static final EventKind<VmStarted> VM_STARTED =
            new EventKind<>("fleetplane.vm.started", 1, VmStarted.class, Topics.PVE_EVENTS);
    public static final EventKind<VmResized> VM_RESIZED =
            new EventKind<>("fleetplane.vm.resized", 1, VmResized.class, Topics.PVE_EVENTS);
    public static final EventKind<VmStopped> VM_STOPPED =
            new EventKind<>("fleetplane.vm.stopped", 1, VmStopped.class, Topics.PVE_EVENTS);
    public static final EventKind<VmRebooted> VM_REBOOTED =
            new EventKind<>("fleetplane.vm.rebooted", 1, VmRebooted.class, Topics.PVE_EVENTS);
    public static final EventKind<VmDestroyed> VM_DESTROYED =
            new EventKind<>("fleetplane.vm.destroyed", 1, VmDestroyed.class, Topics.PVE_EVENTS);
    public static final EventKind<GuestNetworkReported> GUEST_NETWORK_REPORTED =
            new EventKind<>("fleetplane.guest.network-reported", 1, GuestNetworkReported.class, Topics.PVE_EVENTS);
    public static final EventKind<GuestAgentUnavailable> GUEST_AGENT_UNAVAILABLE =
            new EventKind<>("fleetplane.guest.agent-unavailable", 1, GuestAgentUnavailable.class, Topics.PVE_EVENTS);
    public static final EventKind<PveOperationFailed> PVE_OPERATION_FAILED =
            new EventKind<>("fleetplane.pve.operation-failed", 1, PveOperationFailed.class, Topics.PVE_EVENTS);

    // provisioning.commands / provisioning.events
    public static final EventKind<ProvisionHost> PROVISION_HOST =
            new EventKind<>("fleetplane.host.provision-requested", 1, ProvisionHost.class, Topics.PROVISIONING_COMMANDS);
    public static final EventKind<RetryProvisioning> RETRY_PROVISIONING =
            new EventKind<>("fleetplane.host.provision-retry-requested", 1, RetryProvisioning.class,
                    Topics.PROVISIONING_COMMANDS);
    public static final EventKind<IpResolved> IP_RESOLVED =
            new EventKind<>("fleetplane.host.ip-resolved", 1, IpResolved.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<RebuildSucceeded> REBUILD_SUCCEEDED =
            new EventKind<>("fleetplane.host.rebuild-succeeded", 1, RebuildSucceeded.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<RebuildOutput> REBUILD_OUTPUT =
            new EventKind<>("fleetplane.host.rebuild-output", 1, RebuildOutput.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<HardwareConfigGenerated> HARDWARE_CONFIG_GENERATED =
            new EventKind<>("fleetplane.host.hardware-config-generated", 1, HardwareConfigGenerated.class,
                    Topics.PROVISIONING_EVENTS);
    public static final EventKind<IpChanged> IP_CHANGED =
            new EventKind<>("fleetplane.host.ip-changed", 1, IpChanged.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<HostKeyDiscovered> HOST_KEY_DISCOVERED =
            new EventKind<>("fleetplane.host.host-key-discovered", 1, HostKeyDiscovered.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<TailscaleEnrolled> TAILSCALE_ENROLLED =
            new EventKind<>("fleetplane.host.tailscale-enrolled", 1, TailscaleEnrolled.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<ProvisioningRetried> PROVISIONING_RETRIED =
            new EventKind<>("fleetplane.host.provisioning-retried", 1, ProvisioningRetried.class,
                    Topics.PROVISIONING_EVENTS);
    public static final EventKind<ProvisioningSucceeded> PROVISIONING_SUCCEEDED =
            new EventKind<>("fleetplane.host.provisioning-succeeded", 1, ProvisioningSucceeded.class, Topics.PROVISIONING_EVENTS);
    public static final EventKind<ProvisioningFailed> PROVISIONING_FAILED =
            new EventKind<>("fleetplane.host.provisioning-failed", 1, ProvisioningFailed.class, Topics.PROVISIONING_EVENTS);

    // templates.commands / templates.events
    public static final EventKind<BuildTemplate> BUILD_TEMPLATE =
            new EventKind<>("fleetplane.template.build-requested", 1, BuildTemplate.class, Topics.TEMPLATES_COMMANDS);
    public static final EventKind<TemplateBuildStarted> TEMPLATE_BUILD_STARTED =
            new EventKind<>("fleetplane.template.build-started", 1, TemplateBuildStarted.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateBuildOutput> TEMPLATE_BUILD_OUTPUT =
            new EventKind<>("fleetplane.template.build-output", 1, TemplateBuildOutput.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateBuilt> TEMPLATE_BUILT =
            new EventKind<>("fleetplane.template.built", 1, TemplateBuilt.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateImageChecked> TEMPLATE_IMAGE_CHECKED =
            new EventKind<>("fleetplane.template.image-checked", 1, TemplateImageChecked.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateUploadProgress> TEMPLATE_UPLOAD_PROGRESS =
            new EventKind<>("fleetplane.template.upload-progressed", 1, TemplateUploadProgress.class,
                    Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateUploaded> TEMPLATE_UPLOADED =
            new EventKind<>("fleetplane.template.uploaded", 1, TemplateUploaded.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateCandidateCreated> TEMPLATE_CANDIDATE_CREATED =
            new EventKind<>("fleetplane.template.candidate-created", 1, TemplateCandidateCreated.class,
                    Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateSmokeTested> TEMPLATE_SMOKE_TESTED =
            new EventKind<>("fleetplane.template.smoke-tested", 1, TemplateSmokeTested.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateReady> TEMPLATE_READY =
            new EventKind<>("fleetplane.template.ready", 1, TemplateReady.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateRejected> TEMPLATE_REJECTED =
            new EventKind<>("fleetplane.template.rejected", 1, TemplateRejected.class, Topics.TEMPLATES_EVENTS);
    public static final EventKind<TemplateDeleted> TEMPLATE_DELETED =
            new EventKind<>("fleetplane.template.deleted", 1, TemplateDeleted.class, Topics.TEMPLATES_EVENTS);

    // console.sessions
    public static final EventKind<ConsoleSessionOpened> CONSOLE_SESSION_OPENED =
            new EventKind<>("fleetplane.console.session-opened", 1, ConsoleSessionOpened.class, Topics.CONSOLE_SESSIONS);
    public static final EventKind<ConsoleSessionClosed> CONSOLE_SESSION_CLOSED =
            new EventKind<>("fleetplane.console.session-closed", 1, ConsoleSessionClosed.class, Topics.CONSOLE_SESSIONS);

    private static final Map<String, EventKind<?>> BY_TYPE = index(
            SPEC_SUBMITTED, PATCH_HOST, SPEC_ACCEPTED, SPEC_REJECTED,
            PLAN_COMPUTED, PLAN_APPLIED, HOST_STATE_CHANGED,
            SYNC_INVENTORY, CLONE_VM, CONFIGURE_VM, START_VM, RESIZE_DISK, STOP_VM, REBOOT_VM, DESTROY_VM, RESTORE_VM,
            CONVERT_TO_TEMPLATE, UPLOAD_IMAGE, IMPORT_VM, QUERY_GUEST_NETWORK,
            INVENTORY_OBSERVED, VM_CLONED, VM_RESTORED, VM_TEMPLATED, VM_CONFIGURED, VM_STARTED, VM_RESIZED, VM_STOPPED, VM_REBOOTED, VM_DESTROYED,
            IMAGE_UPLOAD_PROGRESS, IMAGE_UPLOADED, VM_IMPORTED, GUEST_NETWORK_REPORTED,
            GUEST_AGENT_UNAVAILABLE, PVE_OPERATION_FAILED,
            PROVISION_HOST, RETRY_PROVISIONING, IP_RESOLVED, REBUILD_OUTPUT, HARDWARE_CONFIG_GENERATED, IP_CHANGED,
            HOST_KEY_DISCOVERED, TAILSCALE_ENROLLED, PROVISIONING_RETRIED, REBUILD_SUCCEEDED, PROVISIONING_SUCCEEDED,
            PROVISIONING_FAILED,
            BUILD_TEMPLATE, TEMPLATE_BUILD_STARTED, TEMPLATE_BUILD_OUTPUT, TEMPLATE_BUILT, TEMPLATE_IMAGE_CHECKED,
            TEMPLATE_UPLOAD_PROGRESS, TEMPLATE_UPLOADED, TEMPLATE_CANDIDATE_CREATED, TEMPLATE_SMOKE_TESTED,
            TEMPLATE_READY, TEMPLATE_REJECTED, TEMPLATE_DELETED,
            CONSOLE_SESSION_OPENED, CONSOLE_SESSION_CLOSED);

    private EventCatalog() {
    }

    public static Optional<EventKind<?>> byType(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    public static java.util.Collection<EventKind<?>> all() {
        return BY_TYPE.values();
    }

    /** Maps event data to the kind's record, naming the type and the field on failure. */
    static <T> T readData(EventKind<T> kind, JsonNode data) {
        if (data == null || !data.isObject()) {
            throw new UndecodableEventException("data of " + kind.type() + " must be a JSON object");
        }
        JsonNode version = data.get("schemaVersion");
        if (version != null && version.asInt() != kind.schemaVersion()) {
            throw new UndecodableEventException("data of " + kind.type() + " has schemaVersion " + version
                    + ", expected " + kind.schemaVersion());
        }
        try {
            return Json.MAPPER.treeToValue(data, kind.dataType());
        } catch (JsonProcessingException e) {
            throw new UndecodableEventException("data of " + kind.type() + " does not fit "
                    + kind.dataType().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, EventKind<?>> index(EventKind<?>... kinds) {
        Map<String, EventKind<?>> map = new LinkedHashMap<>();
        for (EventKind<?> k : kinds) {
            if (map.put(k.type(), k) != null) {
                throw new IllegalStateException("duplicate event type " + k.type());
            }
        }
        return Map.copyOf(map);
    }
}
