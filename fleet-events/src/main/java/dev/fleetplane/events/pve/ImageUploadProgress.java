package dev.fleetplane.events.pve;

/** How far an {@link UploadImage} has come: published while the bytes stream, at most once per step of progress. */
public record ImageUploadProgress(String node, String storage, String filename, long bytesSent, long bytesTotal) {
}
