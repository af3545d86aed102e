package dev.fleetplane.provisioner.integrate;

import java.util.Locale;

/**
 * Bech32 encoding (BIP-173, the original checksum constant 1, not Bech32m) as age uses it for recipients.
 *
 * <p>Hand-written because no library on this build's classpath or in the project's dependency set offers it:
 * Bouncy Castle (here through sshj) has no Bech32, the age library for Java ({@code com.exceptionfactory.jagged})
 * is not served by the registry this build may use, and the Bitcoin libraries that have it would pull a large
 * dependency for forty lines. Only encoding is needed: fleetplane prints recipients, it never parses them.
 */
final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Bech32() {
    }

    /** {@code hrp + "1" + data + checksum}, lower case; {@code data} is regrouped from 8-bit bytes to 5-bit words. */
    static String encode(String hrp, byte[] data) {
        return encodeWords(hrp, toWords(data));
    }

    /** Encodes words that are already 5-bit (0..31); the form BIP-173's test vectors are written in. */
    static String encodeWords(String hrp, int[] words) {
        if (hrp.isEmpty() || !hrp.equals(hrp.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("Bech32 human-readable part must be non-empty lower case, got '" + hrp + "'");
        }
        for (char c : hrp.toCharArray()) {
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("Bech32 human-readable part has a character outside US-ASCII 33..126");
            }
        }
        int[] checksum = checksum(hrp, words);
        StringBuilder out = new StringBuilder(hrp.length() + 1 + words.length + checksum.length).append(hrp).append('1');
        for (int w : words) {
            if (w < 0 || w > 31) {
                throw new IllegalArgumentException("Bech32 word " + w + " is not 5 bits");
            }
            out.append(CHARSET.charAt(w));
        }
        for (int w : checksum) {
            out.append(CHARSET.charAt(w));
        }
        return out.toString();
    }

    /** 8-bit to 5-bit regrouping with zero padding at the end (BIP-173 {@code convertbits(data, 8, 5, pad=True)}). */
    static int[] toWords(byte[] data) {
        int[] words = new int[(data.length * 8 + 4) / 5];
        int acc = 0;
        int bits = 0;
        int n = 0;
        for (byte b : data) {
            acc = (acc << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                words[n++] = (acc >>> bits) & 31;
            }
            acc &= (1 << bits) - 1;
        }
        if (bits > 0) {
            words[n++] = (acc << (5 - bits)) & 31;
        }
        return words;
    }

    private static int[] checksum(String hrp, int[] words) {
        int[] values = new int[hrp.length() * 2 + 1 + words.length + 6];
        int i = 0;
        for (char c : hrp.toCharArray()) {
            values[i++] = c >> 5;
        }
        values[i++] = 0;
        for (char c : hrp.toCharArray()) {
            values[i++] = c & 31;
        }
        for (int w : words) {
            values[i++] = w;
        }
        // the last six stay 0: the checksum's place while it is computed
        int mod = polymod(values) ^ 1;
        int[] checksum = new int[6];
        for (int k = 0; k < 6; k++) {
            checksum[k] = (mod >>> (5 * (5 - k))) & 31;
        }
        return checksum;
    }

    private static int polymod(int[] values) {
        int chk = 1;
        for (int v : values) {
            int top = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int k = 0; k < 5; k++) {
                if (((top >>> k) & 1) != 0) {
                    chk ^= GENERATOR[k];
                }
            }
        }
        return chk;
    }
}
