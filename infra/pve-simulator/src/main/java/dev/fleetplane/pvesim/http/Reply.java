package dev.fleetplane.pvesim.http;

/** A success payload plus the optional {@code total} the task log adds beside {@code data}. */
public record Reply(Object data, Integer total) {

    public static Reply of(Object data) {
        return new Reply(data, null);
    }

    public static Reply withTotal(Object data, int total) {
        return new Reply(data, total);
    }
}
