package dev.fleetplane.adapter.upload;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.events.pve.UploadImage;
import java.util.regex.Pattern;

/** What an {@code UploadImage} may ask for (the fields, not the file itself) and the volume it becomes; pure. */
public final class UploadRules {

    private static final Pattern STORAGE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
    /**
     * Proxmox rewrites other characters of an upload's name to {@code _} (pve-storage {@code normalize_content_filename}),
     * so only names it keeps as they are give a predictable volume id.
     */
    private static final Pattern FILENAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.(qcow2|raw|vmdk|ova)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private UploadRules() {
    }

    public static Checks check(UploadImage cmd, String what) {
        String name = cmd.filename();
        return Checks.of(what).node(cmd.node())
                .check(cmd.storage() != null && STORAGE.matcher(cmd.storage()).matches(),
                        "storage '" + cmd.storage() + "' is not a storage id")
                .check(cmd.path() != null && cmd.path().startsWith("/"),
                        "path '" + cmd.path() + "' is not an absolute path")
                .check(name != null && !name.isBlank(), "filename is missing")
                .check(name == null || !name.contains("/"), "filename '" + name + "' must not contain '/'")
                .check(name == null || name.isBlank() || name.contains("/") || FILENAME.matcher(name).matches(),
                        "filename '" + name + "' must end in .qcow2, .raw, .vmdk or .ova and use only letters, digits,"
                                + " '.', '_' and '-'")
                .check(cmd.sha256() == null || SHA256.matcher(cmd.sha256()).matches(),
                        "sha256 '" + cmd.sha256() + "' is not 64 hex digits");
    }

    /** What a stream that broke without an answer says: where it went and how far it came. */
    public static String cut(String path, String volid, String node, long sent, long size, String cause) {
        return "upload of " + path + " to " + volid + " on node " + node + " was cut after " + sent + " of " + size
                + " bytes: " + cause;
    }

    /** The volume an upload of {@code filename} into {@code storage} becomes. */
    public static String volid(String storage, String filename) {
        return storage + ":import/" + filename;
    }
}
