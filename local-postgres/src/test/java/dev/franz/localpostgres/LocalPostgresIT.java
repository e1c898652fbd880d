package dev.franz.localpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.testing.TestProcesses;

/**
 * local-postgres as a learner runs it, in a JVM of its own: a real PostgreSQL with logical decoding,
 * data kept across a restart, Ctrl-C (SIGTERM) and kill -9 of local-postgres both end the server; a
 * client logs in with the password it made, kept in a file only its owner may read.
 */
class LocalPostgresIT {

    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aRealPostgresWithLogicalDecodingKeepsItsDataAndStopsWithItsStarterHoweverItEnds() throws Exception {
        // As root (CI), the server runs as the postgres user, which must reach the folder: JUnit's is closed.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("pg");
        int port = freePort();
        TestProcesses first = start(data, port);
        String password = password();
        try (Connection connection = DriverManager.getConnection(LocalPostgres.url(port), LocalPostgres.USER, password);
             Statement statement = connection.createStatement()) {
            assertThat(single(statement, "SHOW wal_level")).isEqualTo("logical");
            statement.execute("CREATE TABLE kept (id int PRIMARY KEY)");
            statement.execute("INSERT INTO kept VALUES (42)");
        }
        first.process().toHandle().destroy(); // SIGTERM, as Ctrl-C (Process.destroy() would close its output)
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).as("%s", first.lines()).isTrue();
        assertThat(first.printed("PostgreSQL stopped in")).as("%s", first.lines()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.runningWith(data.toString()).isEmpty());

        TestProcesses second = start(data, port);
        assertThat(second.printed("kept from earlier runs")).isTrue();
        assertThat(password()).as("the same password").isEqualTo(password);
        try (Connection connection = DriverManager.getConnection(LocalPostgres.url(port), LocalPostgres.USER, password);
             Statement statement = connection.createStatement()) {
            assertThat(single(statement, "SELECT id FROM kept")).isEqualTo("42");
        }
        second.process().toHandle().destroyForcibly(); // kill -9: no shutdown hook runs
        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.runningWith(data.toString()).isEmpty());
    }

    @Test
    void aClientWithoutThePasswordIsRefusedAndThePasswordFileIsTheOwnersAlone() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("pg");
        int port = freePort();
        TestProcesses server = start(data, port);
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("password"))))
                    .isEqualTo("rw-------");
            assertThat(server.lines()).contains("  password          : in " + dir.resolve("password")
                    + " (only you may read it; Franz's programs do)");
            // What `psql -h localhost -U franz franz` without the password, as any user of this machine, gets.
            assertThatThrownBy(() -> DriverManager.getConnection(LocalPostgres.url(port), LocalPostgres.USER, ""))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(LocalPostgres.url(port), LocalPostgres.USER, "wrong"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed for user \"franz\"");
            try (Connection connection = DriverManager.getConnection(LocalPostgres.url(port), LocalPostgres.USER,
                    password()); Statement statement = connection.createStatement()) {
                assertThat(single(statement, "SHOW password_encryption")).isEqualTo("scram-sha-256");
                // Every rule of pg_hba.conf asks for the password: no "trust" left for any address.
                try (ResultSet rules = statement.executeQuery("SELECT DISTINCT auth_method FROM pg_hba_file_rules")) {
                    assertThat(rules.next()).isTrue();
                    assertThat(rules.getString(1)).isEqualTo("scram-sha-256");
                    assertThat(rules.next()).isFalse();
                }
            }
        } finally {
            server.process().toHandle().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.runningWith(data.toString()).isEmpty());
        }
    }

    @Test
    void aPortInUseOrNoPostgresFoundIsOneMessageAndExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            TestProcesses refused = TestProcesses.java(LocalPostgres.class, "--port",
                    String.valueOf(taken.getLocalPort()), "--data-dir", dir.resolve("unused").toString());
            assertThat(refused.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.process().exitValue()).isEqualTo(1);
            assertThat(refused.lines().get(0)).isEqualTo("Port " + taken.getLocalPort() + " is already in use on"
                    + " localhost: probably a PostgreSQL already runs there (this machine's own service, or a"
                    + " local-postgres in another terminal).");
        }
        TestProcesses missing = TestProcesses.java(LocalPostgres.class, "--bin", dir.resolve("nothing").toString(),
                "--data-dir", dir.resolve("unused").toString());
        assertThat(missing.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.process().exitValue()).isEqualTo(1);
        assertThat(missing.lines().get(0)).startsWith("No PostgreSQL server programs (initdb, postgres) found; looked in"
                + " [" + dir.resolve("nothing") + "].");
    }

    private static TestProcesses start(Path data, int port) throws IOException {
        TestProcesses program = TestProcesses.java(LocalPostgres.class, "--port", String.valueOf(port), "--data-dir",
                data.toString(), "--password-file", data.resolveSibling("password").toString());
        // The banner's last line: the lines before it (data kept or new) are printed by then.
        await().atMost(START).until(() -> program.printed("In another terminal:  psql") || !program.process().isAlive());
        assertThat(program.process().isAlive()).as("%s", program.lines()).isTrue();
        return program;
    }

    /** The password local-postgres made, from the file it keeps (as Franz's programs read it). */
    private String password() throws IOException {
        Properties file = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("password"))) {
            file.load(in);
        }
        return file.getProperty("POSTGRES_PASSWORD");
    }

    private static String single(Statement statement, String query) throws Exception {
        try (ResultSet result = statement.executeQuery(query)) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
