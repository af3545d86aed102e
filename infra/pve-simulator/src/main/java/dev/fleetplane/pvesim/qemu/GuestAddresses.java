package dev.fleetplane.pvesim.qemu;

/**
 * The IPv4 address a simulated guest "gets from DHCP": a loopback address of its own, so a real sshd can listen
 * there for that guest alone. VMIDs below 65536 map one-to-one into 127.77.0.0/16.
 */
public final class GuestAddresses {

    private GuestAddresses() {
    }

    public static String ipv4(int vmid) {
        if (vmid < 0) {
            throw new IllegalArgumentException("vmid must not be negative: " + vmid);
        }
        if (vmid < 65536) {
            return "127.77." + (vmid >> 8) + "." + (vmid & 255);
        }
        // Larger VMIDs fold into 127.78–127.205; distinct within any 2^23 window, which is plenty for a simulator.
        int second = 78 + ((vmid >> 16) % 128);
        return "127." + second + "." + ((vmid >> 8) & 255) + "." + (vmid & 255);
    }
}
