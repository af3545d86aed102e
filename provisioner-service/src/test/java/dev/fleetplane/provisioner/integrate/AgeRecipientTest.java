package dev.fleetplane.provisioner.integrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgeRecipientTest {

    /**
     * Published ssh-to-age input/output pairs, all from github.com/Mic92/ssh-to-age:
     * <ol>
     * <li>{@code cmd/ssh-to-age/test-assets/id_ed25519.pub} and the README's "Exports the public key" example, which
     * prints {@code age17044m9…} for {@code $HOME/.ssh/id_ed25519.pub};</li>
     * <li>and 3. eve.thalheim.io and eva.thalheim.io, whose ed25519 host keys are in
     * {@code cmd/ssh-to-age/test-assets/keyscan.txt} and whose recipients the README's
     * {@code ssh-keyscan eve.thalheim.io eva.thalheim.io | ssh-to-age} example prints, in that order.</li>
     * </ol>
     * That the pairs belong together was checked once by a separate derivation (a Python script doing the same map
     * with its own Bech32), not by this code.
     */
    @ParameterizedTest(name = "{2}")
    @CsvSource({
            "'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHz+U0YtjINc54dZiJNclfmEFifF7RXCFlNlTbuZBji joerg@turingmachine',"
                    + "age17044m9wgakla6pzftf4srtl3h5mcsr85jysgt5fg23zpnta8sfdqhzn452, test-assets/id_ed25519.pub",
            "'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF/KPU3Z5LSjbBI6hrq25wCcseq2UpqSzUFZRr+ux6LM',"
                    + "age1hjm3aujg9e79f5yth8a2cejzdjg5n9vnu96l05p70uvfpeltnpms7yy3pp, eve.thalheim.io",
            "'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIL2vjdqpppuCn7yPdF2muINriAG7zBWrsELKpPWkhn5',"
                    + "age1v8zjc47jmlqwefyu66s0d4ke98qr4vnuj3cpvs4z9npfdw833dxqwjrhzv, eva.thalheim.io"})
    void publishedSshToAgeVector_isReproduced(String line, String expected, String source) {
        assertEquals(expected, AgeRecipient.fromPublicKeyLine(line).value());
    }

    /**
     * Independent path: the JDK derives the ed25519 public key from a seed, and separately the X25519 public key from
     * the scalar sha512(seed)[:32] (what ssh-to-age -private-key uses) by scalar multiplication of the base point.
     * The Edwards-to-Montgomery map applied to the first must give the second.
     */
    @Test
    void montgomeryMapOfJdkEd25519Key_equalsJdkX25519KeyOfTheSameSeed() throws Exception {
        Random seeds = new Random(20261128);
        for (int i = 0; i < 20; i++) {
            byte[] seed = new byte[32];
            seeds.nextBytes(seed);

            byte[] edwards = jdkEd25519PublicKey(seed);
            byte[] montgomery = jdkX25519PublicKey(Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(seed), 32));

            assertArrayEquals(montgomery, AgeRecipient.montgomeryU(edwards), "seed #" + i);
            assertEquals(Bech32.encode("age", montgomery),
                    AgeRecipient.fromPublicKeyLine("ssh-ed25519 " + blob("ssh-ed25519", edwards) + " seed" + i).value());
        }
    }

    @Test
    void leadingAndTrailingWhitespaceAndTabs_areTolerated() {
        assertEquals("age1hjm3aujg9e79f5yth8a2cejzdjg5n9vnu96l05p70uvfpeltnpms7yy3pp", AgeRecipient.fromPublicKeyLine(
                "  ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIF/KPU3Z5LSjbBI6hrq25wCcseq2UpqSzUFZRr+ux6LM  root@eve \n").value());
    }

    @Test
    void rsaKey_isRejectedNamingItsType() {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC root@host"));
        assertEquals("host key is of type 'ssh-rsa', not ssh-ed25519: an age recipient can only be derived from an"
                + " ed25519 key", e.getMessage());
    }

    @Test
    void emptyLine_isRejected() {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class, () -> AgeRecipient.fromPublicKeyLine(" \n"));
        assertTrue(e.getMessage().startsWith("host key line is empty"), e.getMessage());
    }

    @Test
    void typeWithoutBlob_isRejected() {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519"));
        assertEquals("host key line has the type ssh-ed25519 but no key blob after it", e.getMessage());
    }

    @Test
    void badBase64_isRejected() {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519 AAAA%%%notbase64 root@host"));
        assertTrue(e.getMessage().startsWith("ssh-ed25519 key blob is not valid base64"), e.getMessage());
    }

    @Test
    void truncatedBlob_isRejectedWithItsLength() throws IOException {
        String shortBlob = blob("ssh-ed25519", new byte[31]);
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519 " + shortBlob));
        assertEquals("ssh-ed25519 key blob is 50 bytes long, expected 51 (a 32-byte key)", e.getMessage());
    }

    @Test
    void blobWithTrailingBytes_isRejectedWithItsLength() throws IOException {
        byte[] bytes = Base64.getDecoder().decode(blob("ssh-ed25519", new byte[32]));
        String longBlob = Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, bytes.length + 3));
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519 " + longBlob));
        assertEquals("ssh-ed25519 key blob is 54 bytes long, expected 51 (a 32-byte key)", e.getMessage());
    }

    @Test
    void blobTooShortForItsTypeString_isRejected() {
        String tiny = Base64.getEncoder().encodeToString(new byte[] {0, 0, 0, 11, 's', 's', 'h'});
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519 " + tiny));
        assertEquals("ssh-ed25519 key blob is 7 bytes long, too short for the key type length it declares (11)",
                e.getMessage());
    }

    @Test
    void blobWhoseInnerTypeDisagreesWithTheLine_isRejected() throws IOException {
        String rsaBlob = blob("ssh-rsa", new byte[32]);
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519 " + rsaBlob + " root@host"));
        assertEquals("key blob says its type is 'ssh-rsa' but the line says ssh-ed25519", e.getMessage());
    }

    @Test
    void bytesThatAreNoCurvePoint_areRejected() {
        // y = 2: (y^2-1)/(d*y^2+1) is no square mod p, so no x exists (checked with a separate Python computation)
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class, () -> AgeRecipient.fromPublicKeyLine(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertEquals("ssh-ed25519 key is not a point on the ed25519 curve", e.getMessage());
    }

    @Test
    void identityPoint_isRejectedAsLowOrder() {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class, () -> AgeRecipient.fromPublicKeyLine(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assertEquals("ssh-ed25519 key is a low-order point, not a usable public key", e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            // y = p-1 (order 2), y = 0 (order 4), and the two y of the order-8 points (u = 3256...504 and 3938...823
            // once mapped; computed with a separate Python script). ssh-to-age prints a recipient for each, which age
            // then refuses to encrypt to: refused here, in words, before anything is committed.
            "AAAAC3NzaC1lZDI1NTE5AAAAIOz///////////////////////////////////////9/",
            "AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "AAAAC3NzaC1lZDI1NTE5AAAAIMcXanA9TdhPujwLdg0QZw8qIFP6LDnMxk7H/XeSrAN6",
            "AAAAC3NzaC1lZDI1NTE5AAAAICbolY/CsiewRcP0ifLvmPDV36wF08YzObE4AohtU/wF"})
    void everyOtherLowOrderPoint_isRejectedToo(String blob) {
        HostKeyFormatException e = assertThrows(HostKeyFormatException.class,
                () -> AgeRecipient.fromPublicKeyLine("ssh-ed25519 " + blob));
        assertEquals("ssh-ed25519 key is a low-order point, not a usable public key", e.getMessage());
    }

    @Test
    void hostKey_keepsCommentApartAndFingerprintsLikeSshKeygen() {
        Ed25519HostKey key = Ed25519HostKey.parse(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHz+U0YtjINc54dZiJNclfmEFifF7RXCFlNlTbuZBji joerg@turingmachine");

        assertEquals("joerg@turingmachine", key.comment());
        assertEquals("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHz+U0YtjINc54dZiJNclfmEFifF7RXCFlNlTbuZBji",
                key.publicKeyLine());
        // what `ssh-keygen -lf` printed for this line (OpenSSH 9.2 on this machine)
        assertEquals("SHA256:wEPu5zkkhaJZhOM5BFhVJnRbJC7OEuRKz/lt2XCrN8I", key.fingerprint());
    }

    private static String blob(String type, byte[] key) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(name.length);
        out.write(name);
        out.writeInt(key.length);
        out.write(key);
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static byte[] jdkEd25519PublicKey(byte[] seed) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
        KeyPair pair = generator.generateKeyPair();
        byte[] x509 = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length); // SubjectPublicKeyInfo ends with the raw key
    }

    private static byte[] jdkX25519PublicKey(byte[] scalar) throws Exception {
        KeyFactory factory = KeyFactory.getInstance("XDH");
        PrivateKey privateKey = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        PublicKey basePoint = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(privateKey);
        agreement.doPhase(basePoint, true);
        return agreement.generateSecret(); // scalar * basepoint, u little-endian: the public key
    }

    /** Hands the generator a chosen seed, so the JDK's key is the one of that seed. */
    private static final class FixedSeed extends SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
