package dev.franz.embedded;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a secured broker needs, made once in its data directory: a local certificate authority (CA), the
 * broker's certificate signed by it, a password per user, and a client properties file per user.
 *
 * <ul>
 *   <li>Clients connect with {@code SASL_SSL}: TLS (they check the broker's certificate against
 *       {@code ca.pem}, and that it was made for the host they connect to), then SASL with
 *       {@code SCRAM-SHA-512} (a user name and a password, never sent as such).</li>
 *   <li>The broker keeps only salted hashes of the passwords, in its metadata; the storage formatter
 *       writes them there before the first start ({@link #scramFormatArguments}), so no user is
 *       missing when the broker begins to serve.</li>
 *   <li>The controller listener uses TLS with client certificates (mutual TLS): SCRAM does not work on a
 *       KRaft controller listener. The broker connects to it with its own certificate.</li>
 * </ul>
 *
 * <p>The certificates are made with the JDK's {@code keytool}: no download, no OpenSSL.
 *
 * <p>Who may read them: only the user who started the broker. The folder is made {@code rwx------}
 * (700) before anything is written in it, so no other user of the machine can open a file inside, and
 * every file that holds a password or a private key is {@code rw-------} (600) as well: the passwords
 * file, the two key stores and each user's client file. {@code ca.pem}, the CA's certificate, is no
 * secret. No password is ever on a command line (where {@code ps} shows it to everyone): keytool reads
 * the key stores' password from an environment variable given to it alone.
 */
public final class LocalSecurity {

    /** The SASL mechanism clients use. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The user the broker itself connects as on its own listener (a super user). */
    public static final String BROKER_USER = "broker";
    /** The user of the course's admin commands: a super user, allowed everything. */
    public static final String ADMIN_USER = "admin";
    /**
     * The users the broker is formatted with: the admin, one per Level 3 program, and {@code guest}, who
     * may do nothing until an ACL allows it.
     */
    public static final List<String> USERS = List.of(ADMIN_USER, "order-producer", "payment-service",
            "notification-service", "guest");
    /** The broker certificate's subject: its principal on the controller listener (mutual TLS). */
    static final String BROKER_SUBJECT = "CN=localhost";
    /** Marks a data directory formatted for {@code --secure}; holds the passwords the broker needs. */
    static final String MARKER = "franz-security.properties";
    /** The environment variable that hands keytool the key stores' password (not its command line). */
    private static final String STORE_PASSWORD_VARIABLE = "FRANZ_KEYSTORE_PASSWORD";
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final Properties secrets;

    private LocalSecurity(Path dir, Properties secrets) {
        this.dir = dir;
        this.secrets = secrets;
    }

    /** True if {@code dataDir} was made by a secured start. */
    public static boolean isSecured(Path dataDir) {
        return Files.exists(dataDir.resolve(MARKER));
    }

    /**
     * The security files in {@code dataDir}, made now if it has none: a CA, the broker's certificate,
     * passwords, and one client properties file per user ({@code USER.properties}).
     */
    public static LocalSecurity prepare(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path marker = dir.resolve(MARKER);
        try {
            if (Files.exists(marker)) {
                // Made by an older Franz, which left these files readable by everyone: closed now.
                closeToOthers(dir);
                Properties secrets = new Properties();
                try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
                    secrets.load(in);
                }
                return new LocalSecurity(dir, secrets);
            }
            // Closed to other users before the first secret is written in it.
            if (isPosix()) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
                Files.setPosixFilePermissions(dir, OWNER_ONLY_FOLDER); // also when it was there already
            } else {
                Files.createDirectories(dir);
            }
            Properties secrets = new Properties();
            secrets.setProperty("keystore.password", randomPassword());
            secrets.setProperty("password." + BROKER_USER, randomPassword());
            for (String user : USERS) {
                secrets.setProperty("password." + user, randomPassword());
            }
            LocalSecurity security = new LocalSecurity(dir, secrets);
            security.makeCertificates();
            for (String user : USERS) {
                security.writeClientConfig(user);
            }
            StringWriter text = new StringWriter();
            secrets.store(text, "Made by local-kafka --secure: the broker's passwords. Only you may read this file;"
                    + " keep it out of git.");
            writeOwnerOnly(marker, text.toString());
            return security;
        } catch (IOException e) {
            throw new BrokerStartException("Could not write the security files in " + dir + ": " + e, e);
        }
    }

    /** The certificate of the local CA, which clients trust (PEM). */
    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    /** The client properties file of {@code user}, for {@code KAFKA_CLIENT_CONFIG} or {@code --command-config}. */
    public Path clientConfig(String user) {
        return dir.resolve(user + ".properties");
    }

    /** {@code user}'s password. */
    public String password(String user) {
        String password = secrets.getProperty("password." + user);
        if (password == null) {
            throw new IllegalArgumentException("no such user: " + user);
        }
        return password;
    }

    /** The storage formatter's {@code --add-scram} arguments: every user's credentials, before the first start. */
    List<String> scramFormatArguments() {
        List<String> args = new ArrayList<>();
        List<String> users = new ArrayList<>(USERS);
        users.add(BROKER_USER);
        for (String user : users) {
            args.add("--add-scram");
            args.add(MECHANISM + "=[name=" + user + ",password=" + password(user) + "]");
        }
        return args;
    }

    /** The broker's settings for a secured node on these ports. */
    Map<String, String> brokerProperties(String host, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", "SASL_SSL://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://" + host + ":" + port);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "SASL_SSL");
        // Clients: TLS, then a user name and password checked with SCRAM.
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl." + MECHANISM.toLowerCase() + ".sasl.jaas.config", jaas(BROKER_USER));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
        p.put("ssl.keystore.password", secrets.getProperty("keystore.password"));
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", caCertificate().toString());
        // The controller listener: mutual TLS, the broker shows its certificate (SCRAM does not work there).
        p.put("listener.name.controller.ssl.client.auth", "required");
        // Who may do what: ACLs kept in the cluster's metadata; no ACL for a resource means no access.
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // Allowed everything without ACLs: the admin, and the broker itself, under both its names (its
        // SCRAM user on its own listener, its certificate's subject on the controller listener).
        p.put("super.users", "User:" + ADMIN_USER + ";User:" + BROKER_USER + ";User:" + BROKER_SUBJECT);
        return p;
    }

    /** {@code user}'s client settings on the secured broker: TLS, then SCRAM with the user's password. */
    Properties clientProperties(String user) {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("sasl.mechanism", MECHANISM);
        p.setProperty("sasl.jaas.config", jaas(user));
        p.setProperty("ssl.truststore.type", "PEM");
        p.setProperty("ssl.truststore.location", caCertificate().toString());
        return p;
    }

    private void writeClientConfig(String user) throws IOException {
        Properties p = clientProperties(user);
        List<String> lines = new ArrayList<>();
        lines.add("# " + user + " on the secured local broker (local-kafka --secure). Use it with");
        lines.add("#   KAFKA_CLIENT_CONFIG=" + clientConfig(user) + "   (Franz's programs)");
        lines.add("#   --command-config " + clientConfig(user) + "   (Kafka's tools in bin/)");
        lines.add("# TLS: trust the certificates the local CA signed; then SCRAM with this user's password.");
        for (String key : List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type",
                "ssl.truststore.location")) {
            lines.add(key + "=" + p.getProperty(key));
        }
        writeOwnerOnly(clientConfig(user), String.join(System.lineSeparator(), lines) + System.lineSeparator());
    }

    /**
     * Writes a file only its owner may read, from its first byte: the text goes into a new file made
     * {@code rw-------}, which then takes the file's name. (Writing first and changing the mode after would
     * leave a moment where anyone may read it.)
     */
    private static void writeOwnerOnly(Path file, String text) throws IOException {
        FileAttribute<?>[] ownerOnly = isPosix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)} : new FileAttribute<?>[0];
        Path written = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp", ownerOnly);
        try {
            Files.writeString(written, text, StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
    }

    /** The folder 700 and every file with a password or a private key in it 600; ca.pem stays as it is. */
    private static void closeToOthers(Path dir) throws IOException {
        if (!isPosix()) {
            return;
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY_FOLDER);
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && (name.endsWith(".properties") || name.endsWith(".p12"))) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                }
            }
        }
    }

    /** Linux and macOS have POSIX file modes; Windows has none (its folders in a user's home are theirs). */
    private static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private String jaas(String user) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password(user) + "\";";
    }

    /**
     * A CA, and the broker's key with a certificate the CA signed for the name localhost. Every keytool
     * call gets the key stores' password as {@code -storepass:env FRANZ_KEYSTORE_PASSWORD}: the name of
     * a variable set for that keytool process only, so {@code ps} shows no password.
     */
    private void makeCertificates() throws IOException {
        String storePassword = secrets.getProperty("keystore.password");
        Path ca = dir.resolve("ca.p12");
        Path broker = dir.resolve("broker.p12");
        Path request = dir.resolve("broker.csr");
        Path signed = dir.resolve("broker.pem");
        String storePass = "-storepass:env";
        keytool(storePassword, "-genkeypair", "-alias", "ca", "-dname", "CN=Franz local CA", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "3650", "-ext", "bc:c", "-keystore", ca.toString(),
                "-storetype", "PKCS12", storePass, STORE_PASSWORD_VARIABLE);
        keytool(storePassword, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                storePass, STORE_PASSWORD_VARIABLE, "-file", caCertificate().toString());
        keytool(storePassword, "-genkeypair", "-alias", "broker", "-dname", BROKER_SUBJECT, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "825", "-keystore", broker.toString(), "-storetype", "PKCS12",
                storePass, STORE_PASSWORD_VARIABLE);
        keytool(storePassword, "-certreq", "-alias", "broker", "-keystore", broker.toString(),
                storePass, STORE_PASSWORD_VARIABLE, "-file", request.toString());
        // The name clients check (hostname verification): localhost only, so 127.0.0.1 is refused.
        keytool(storePassword, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                storePass, STORE_PASSWORD_VARIABLE, "-infile", request.toString(), "-outfile", signed.toString(),
                "-validity", "825", "-ext", "SAN=dns:localhost", "-ext", "KU=digitalSignature",
                "-ext", "EKU=serverAuth,clientAuth");
        keytool(storePassword, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate().toString(),
                "-keystore", broker.toString(), storePass, STORE_PASSWORD_VARIABLE);
        keytool(storePassword, "-importcert", "-alias", "broker", "-file", signed.toString(), "-keystore",
                broker.toString(), storePass, STORE_PASSWORD_VARIABLE);
        Files.delete(request);
        // keytool makes its files with the usual mode (often rw-r--r--); the folder (700) kept others out
        // meanwhile. The private keys are the owner's alone: the certificates (.pem) are no secret.
        if (isPosix()) {
            Files.setPosixFilePermissions(ca, OWNER_ONLY_FILE);
            Files.setPosixFilePermissions(broker, OWNER_ONLY_FILE);
        }
    }

    /** Runs the JDK's keytool with the key stores' password in its environment (not its arguments). */
    private static void keytool(String storePassword, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(STORE_PASSWORD_VARIABLE, storePassword);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
