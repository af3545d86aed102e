package dev.fleetplane.provisioner.integrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Checked against the valid Bech32 strings of BIP-173 ("Test vectors", bitcoin/bips bip-0173.mediawiki): each is
 * split into its human-readable part and data words, re-encoded, and must come back identical, checksum included.
 */
class Bech32Test {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    @ParameterizedTest
    @ValueSource(strings = {
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl"})
    void bip173ValidString_reEncodesToItself(String vector) {
        String lower = vector.toLowerCase(Locale.ROOT);
        int separator = lower.lastIndexOf('1');
        String hrp = lower.substring(0, separator);
        String payload = lower.substring(separator + 1, lower.length() - 6);
        int[] words = payload.chars().map(CHARSET::indexOf).toArray();

        assertEquals(lower, Bech32.encodeWords(hrp, words));
    }

    @Test
    void bytes_areRegroupedIntoFiveBitWordsWithZeroPadding() {
        // 0xff 0x00 = 11111111 00000000 -> 11111 11100 00000 0(0000)
        assertArrayEquals(new int[] {31, 28, 0, 0}, Bech32.toWords(new byte[] {(byte) 0xff, 0x00}));
        assertEquals(52, Bech32.toWords(new byte[32]).length, "32 bytes are 256 bits, 52 words of 5 bits");
    }

    @Test
    void upperCaseHumanReadablePart_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bech32.encode("AGE", new byte[32]));
        assertEquals("Bech32 human-readable part must be non-empty lower case, got 'AGE'", e.getMessage());
    }
}
