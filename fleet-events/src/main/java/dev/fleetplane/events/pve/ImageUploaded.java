package dev.fleetplane.events.pve;

/** The upload's {@code imgcopy} task finished: the image is volume {@code volid} (e.g. {@code local:import/x.qcow2}). */
public record ImageUploaded(String node, String storage, String volid, long bytes, String upid) {
}
