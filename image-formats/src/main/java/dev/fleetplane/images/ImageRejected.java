package dev.fleetplane.images;

import java.io.IOException;

/**
 * An image that must not be used: truncated, corrupt, of the wrong format, or hostile. The message names what is
 * wrong and where (file, byte offset, extent, device, table), never the image's contents. It is an
 * {@link IOException} because it is found while reading, and callers handle both the same way: stop and report.
 */
public final class ImageRejected extends IOException {

    public ImageRejected(String message) {
        super(message);
    }

    public ImageRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
