package dev.fleetplane.provisioner.integrate;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The age X25519 recipient ({@code age1…}) of a host's ed25519 SSH key, exactly as Mic92's {@code ssh-to-age} prints
 * it: sops-nix decrypts on the host with that key, so {@code .sops.yaml} must list this recipient.
 *
 * <p>The conversion is the birational map from the twisted Edwards curve to Curve25519, u = (1+y)/(1−y) mod 2^255−19
 * (RFC 7748 §4.1), written here because no maintained Java library offers it for public keys: Bouncy Castle and the
 * JDK convert neither way, and {@code com.exceptionfactory.jagged} (age for Java) is not available to this build.
 * BigInteger arithmetic is fine: the key is public, so constant time does not matter.
 *
 * @param value the {@code age1…} string, lower case
 */
public record AgeRecipient(String value) {

    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** Edwards d = −121665/121666 mod p. */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    /**
     * The u of every low-order point (the identity and y = -1 map to 0, y = 0 to 1, the order-8 points to the other
     * two; RFC 7748 §7): an age recipient of one is refused by age, so it is refused here, in words.
     */
    private static final java.util.Set<BigInteger> LOW_ORDER_U = java.util.Set.of(BigInteger.ZERO, BigInteger.ONE,
            new BigInteger("325606250916557431795983626356110631294008115727848805560023387167927233504"),
            new BigInteger("39382357235489614581723060781553021112529911719440698176882885853963445705823"));
    private static final BigInteger P_MINUS_1_HALF = P.subtract(BigInteger.ONE).shiftRight(1);

    public AgeRecipient {
        if (value == null || !value.startsWith("age1")) {
            throw new IllegalArgumentException("an age recipient starts with 'age1', got '" + value + "'");
        }
    }

    /** The recipient of a public key line ({@code ssh-ed25519 AAAA… comment}); see {@link Ed25519HostKey#parse}. */
    public static AgeRecipient fromPublicKeyLine(String line) {
        return of(Ed25519HostKey.parse(line));
    }

    public static AgeRecipient of(Ed25519HostKey key) {
        return new AgeRecipient(Bech32.encode("age", montgomeryU(key.rawKey())));
    }

    /**
     * The Curve25519 u-coordinate (32 bytes little-endian) of a compressed Edwards point (32 bytes little-endian y,
     * the top bit being the sign of x, which the map ignores).
     *
     * @throws HostKeyFormatException if the bytes are not a point of the curve, or a low-order one (no usable key)
     */
    static byte[] montgomeryU(byte[] edwards) {
        byte[] be = reverse(edwards);
        be[0] &= 0x7f; // drop the sign of x
        // non-canonical y (>= p) reduces, as the Go edwards25519 package ssh-to-age uses accepts it
        BigInteger y = new BigInteger(1, be).mod(P);
        BigInteger ySquared = y.multiply(y).mod(P);
        BigInteger xSquared = ySquared.subtract(BigInteger.ONE)
                .multiply(D.multiply(ySquared).add(BigInteger.ONE).modInverse(P)).mod(P);
        if (xSquared.signum() != 0 && !xSquared.modPow(P_MINUS_1_HALF, P).equals(BigInteger.ONE)) {
            throw new HostKeyFormatException("ssh-ed25519 key is not a point on the ed25519 curve");
        }
        BigInteger oneMinusY = BigInteger.ONE.subtract(y).mod(P);
        BigInteger u = oneMinusY.signum() == 0 ? BigInteger.ZERO
                : BigInteger.ONE.add(y).multiply(oneMinusY.modInverse(P)).mod(P);
        if (LOW_ORDER_U.contains(u)) {
            throw new HostKeyFormatException("ssh-ed25519 key is a low-order point, not a usable public key");
        }
        return littleEndian32(u);
    }

    private static byte[] littleEndian32(BigInteger n) {
        byte[] be = n.toByteArray(); // may carry a leading sign byte, or be shorter than 32
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = Arrays.copyOf(bytes, bytes.length);
        for (int i = 0; i < out.length / 2; i++) {
            byte t = out[i];
            out[i] = out[out.length - 1 - i];
            out[out.length - 1 - i] = t;
        }
        return out;
    }

    @Override
    public String toString() {
        return value;
    }
}
