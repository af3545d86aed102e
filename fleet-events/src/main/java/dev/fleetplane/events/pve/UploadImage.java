package dev.fleetplane.events.pve;

/**
 * Command: upload a disk image as {@code import} content of a node's storage ({@code POST …/storage/{s}/upload},
 * task {@code imgcopy}), streamed from a file the adapter reads itself: Kafka carries the path, never the bytes, so
 * the file must be where the adapter can read it (on one machine the template builder's work directory is).
 *
 * @param path     absolute path of the image on the adapter's machine
 * @param filename the name it gets on the storage; Proxmox takes {@code .qcow2}, {@code .raw}, {@code .vmdk},
 *                 {@code .ova} as import content
 * @param sha256   hex SHA-256 of the file, sent as the upload's checksum so Proxmox verifies what arrived; null: none
 */
public record UploadImage(String node, String storage, String path, String filename, String sha256) {
}
