package dev.franz.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

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
