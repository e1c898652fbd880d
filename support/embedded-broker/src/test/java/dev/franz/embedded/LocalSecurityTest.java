package dev.franz.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecurityTest {

    @TempDir
    Path dir;

    @Test
    void theBrokerCertificateIsSignedByTheLocalCaForLocalhostOnlyAndEachUserGetsAClientFile() throws Exception {
        LocalSecurity security = LocalSecurity.prepare(dir);

        X509Certificate ca = certificate(security.caCertificate());
        X509Certificate broker = certificate(dir.resolve("broker.pem"));
        broker.verify(ca.getPublicKey());
        assertThat(broker.getSubjectX500Principal().getName()).isEqualTo(LocalSecurity.BROKER_SUBJECT);
        // Only the name: a client that connects to 127.0.0.1 fails hostname verification (docs/security.md).
        assertThat(broker.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
        for (String user : LocalSecurity.USERS) {
            assertThat(Files.readString(security.clientConfig(user)))
                    .contains("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
                            "username=\"" + user + "\" password=\"" + security.password(user) + "\"",
                            "ssl.truststore.location=" + security.caCertificate());
        }
        // Made once: a second start finds the same passwords.
        assertThat(LocalSecurity.prepare(dir).password("guest")).isEqualTo(security.password("guest"));
    }

    @Test
    void onlyTheOwnerMayReadThePasswordsTheKeyStoresAndTheClientFiles() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        Path secure = dir.resolve(".kafka-secure");
        LocalSecurity security = LocalSecurity.prepare(secure);

        assertThat(mode(secure)).isEqualTo("rwx------");
        List<Path> secrets = new ArrayList<>(List.of(secure.resolve(LocalSecurity.MARKER), secure.resolve("ca.p12"),
                secure.resolve("broker.p12")));
        LocalSecurity.USERS.forEach(user -> secrets.add(security.clientConfig(user)));
        for (Path secret : secrets) {
            assertThat(mode(secret)).as("%s", secret.getFileName()).isEqualTo("rw-------");
        }
        // Nothing left behind by the writes (each file is written under another name, then renamed).
        try (Stream<Path> files = Files.list(secure)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }

        // A folder made by an older Franz, open to everyone, is closed on the next start.
        Files.setPosixFilePermissions(secure, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(secure.resolve(LocalSecurity.MARKER), PosixFilePermissions.fromString("rw-r--r--"));
        LocalSecurity.prepare(secure);
        assertThat(mode(secure)).isEqualTo("rwx------");
        assertThat(mode(secure.resolve(LocalSecurity.MARKER))).isEqualTo("rw-------");
    }

    @Test
    void keytoolNeverHasAPasswordOnItsCommandLine() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "/proc (Linux), where ps reads command lines");
        // What `ps -eo args` would show while the certificates are made: every keytool command line.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                seen.addAll(keytoolCommandLines());
                LockSupport.parkNanos(5_000_000); // a look every 5 ms: each keytool runs for far longer
            }
        });
        LocalSecurity security;
        try {
            security = LocalSecurity.prepare(dir.resolve("watched"));
        } finally {
            done.set(true);
            watcher.join();
        }
        String storePassword = Files.readString(dir.resolve("watched").resolve(LocalSecurity.MARKER))
                .lines().filter(line -> line.startsWith("keystore.password=")).findFirst().orElseThrow()
                .substring("keystore.password=".length());
        assertThat(seen).as("keytool runs seen while the certificates were made").isNotEmpty();
        assertThat(seen).allMatch(args -> args.contains("-storepass:env FRANZ_KEYSTORE_PASSWORD"));
        assertThat(seen).noneMatch(args -> args.contains(storePassword));
        for (String user : LocalSecurity.USERS) {
            assertThat(seen).noneMatch(args -> args.contains(security.password(user)));
        }
    }

    private static List<String> keytoolCommandLines() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String args = Files.readString(process.resolve("cmdline")).replace('\0', ' ');
                    if (args.contains("keytool") && args.contains("-keystore")) {
                        lines.add(args);
                    }
                } catch (IOException ended) {
                    // that process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aDataDirectoryKeepsTheSecurityItWasFormattedWith() throws IOException {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(plain.resolve("meta.properties"), "version=1\n");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.startSecureOnFreePorts(plain, Map.of()))
                .isInstanceOf(BrokerStartException.class)
                .hasMessageEndingWith("was formatted without --secure, so it has no users. Add --reset to wipe it and"
                        + " start a secured broker there, or use another --data-dir.");

        Path secured = Files.createDirectories(dir.resolve("secured"));
        Files.writeString(secured.resolve(LocalSecurity.MARKER), "");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.startOnFreePorts(secured, Map.of()))
                .isInstanceOf(BrokerStartException.class)
                .hasMessageEndingWith("belongs to a secured broker (local-kafka --secure): start it with --secure, or"
                        + " add --reset to wipe it.");
    }

    private static X509Certificate certificate(Path pem) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
