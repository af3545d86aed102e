package dev.fleetplane.localstack.kafka;

import dev.fleetplane.localstack.LocalStackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SASL/SCRAM-SHA-512 users of a local broker with authentication on: one super user the stack itself uses (topics,
 * users, ACLs) and one user per service, each with a generated password kept in {@code <dir>/<user>.password}
 * (mode 0600). A persistent stack reads the files it wrote before, so its users keep their passwords.
 *
 * @param dir       where the password files are
 * @param passwords user name to password, the admin first
 */
public record KafkaAuth(Path dir, Map<String, String> passwords) {

    /** The super user of the broker: inter-broker traffic, the controller listener, and the stack's admin client. */
    public static final String ADMIN = "fleetplane-admin";
    public static final String MECHANISM = "SCRAM-SHA-512";
    /**
     * The services' Kafka users, named as their {@code quarkus.application.name}; {@link KafkaAcls} says what each
     * may do.
     */
    public static final List<String> SERVICES = List.of(
            "planner", "proxmox-adapter", "provisioner", "template-builder", "console-gateway");

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public KafkaAuth {
        Objects.requireNonNull(dir, "dir");
        passwords = Map.copyOf(passwords);
        if (!passwords.containsKey(ADMIN)) {
            throw new IllegalArgumentException("kafka auth needs a password for " + ADMIN);
        }
    }

    /** Reads the password files in {@code dir}, generating (and writing, mode 0600) those that are missing. */
    public static KafkaAuth loadOrCreate(Path dir) {
        var passwords = new LinkedHashMap<String, String>();
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            for (String user : users()) {
                Path file = passwordFile(dir, user);
                if (!Files.exists(file)) {
                    write(file, generatePassword());
                }
                String password = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (password.isEmpty()) {
                    throw new LocalStackException("kafka auth: the password file " + file + " is empty");
                }
                passwords.put(user, password);
            }
        } catch (IOException e) {
            throw new LocalStackException("kafka auth: cannot read or write the password files in " + dir + ": "
                    + e.getMessage(), e);
        }
        return new KafkaAuth(dir, passwords);
    }

    /**
     * {@link #loadOrCreate} for a broker whose storage is {@code logDir}: the admin user is created with the storage
     * (format {@code --add-scram}), so storage formatted without users (a kept stack first started without auth)
     * could never let the stack's admin in; that is refused, naming the directory.
     */
    public static KafkaAuth forStorage(Path dir, Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties")) && !Files.exists(passwordFile(dir, ADMIN))) {
            throw new LocalStackException("kafka auth: the broker's storage " + logDir + " was formatted without users,"
                    + " and its admin can only be created with the storage; start with a new state directory to turn"
                    + " Kafka auth on");
        }
        return loadOrCreate(dir);
    }

    /** The admin first, then the services. */
    public static List<String> users() {
        var users = new java.util.ArrayList<String>();
        users.add(ADMIN);
        users.addAll(SERVICES);
        return List.copyOf(users);
    }

    public static Path passwordFile(Path dir, String user) {
        return dir.resolve(user + ".password");
    }

    public Path passwordFile(String user) {
        if (!passwords.containsKey(user)) {
            throw new IllegalArgumentException("no kafka user " + user + "; the users are " + users());
        }
        return passwordFile(dir, user);
    }

    public String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no kafka user " + user + "; the users are " + users());
        }
        return password;
    }

    /** The client settings ({@code security.protocol}, {@code sasl.*}) that log {@code user} in over loopback. */
    public Map<String, Object> clientProperties(String user) {
        return clientProperties(user, password(user));
    }

    /** As {@link #clientProperties(String)} with any password: for the test that a wrong one is refused. */
    public static Map<String, Object> clientProperties(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", MECHANISM,
                "sasl.jaas.config", scramJaas(user, password));
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The argument of {@code kafka-storage format --add-scram} that creates the admin with the storage. */
    String adminScramArgument() {
        return MECHANISM + "=[name=" + ADMIN + ",password=" + password(ADMIN) + "]";
    }

    /** Never the passwords: this record ends up in failure messages. */
    @Override
    public String toString() {
        return "KafkaAuth[" + dir + ", users " + passwords.keySet() + "]";
    }

    private static String generatePassword() {
        var chars = new char[32];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    private static void write(Path file, String password) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // Written by a concurrent start; its content wins.
            return;
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    }
}
