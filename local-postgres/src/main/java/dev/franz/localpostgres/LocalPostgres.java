package dev.franz.localpostgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.franz.common.config.ConfigSource;
import dev.franz.common.config.FranzConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mvnw -q compile exec:java -pl local-postgres}: a real PostgreSQL on localhost:5432 until
 * Ctrl-C, from the PostgreSQL programs this machine has (found, not downloaded), its data in a folder
 * of the repository, with logical decoding on ({@code wal_level=logical}), which change data capture
 * (Debezium) reads.
 *
 * <p>The server is PostgreSQL's own {@code postgres} process, a child of this one. It stops when this
 * program stops (Ctrl-C: a fast shutdown, every committed transaction kept) and also when this program
 * is killed: a small shell between the two reads this program's end of a pipe and stops the server at
 * its end (the same trick as Franz's other child processes).
 *
 * <p>Clients log in with a password (SCRAM-SHA-256): POSTGRES_PASSWORD when the environment or
 * {@code .env} sets one, else one made on the first start and kept in {@code .postgres-password} at the
 * repository root, a file git ignores and only its owner may read. Franz's programs read it from there.
 * (Listening on localhost is not enough on its own: every user of this machine can reach localhost, and
 * a superuser may run programs on the server with {@code COPY ... TO PROGRAM}.)
 */
@Command(name = "local-postgres", mixinStandardHelpOptions = true, version = "local-postgres (Franz)",
        description = "Starts a real PostgreSQL server (logical decoding on) from the PostgreSQL installed on this"
                + " machine and keeps it running until Ctrl-C. Data survives restarts.")
public final class LocalPostgres implements Callable<Integer> {

    /** The role and database the lessons use: a superuser, who logs in with the password. */
    static final String USER = "franz";
    static final String DATABASE = "franz";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5432", converter = PortConverter.class,
            description = "Port clients connect to (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the server keeps its data (default: the"
            + " folder .postgres-data at the repository root).")
    Path dataDir;

    @Option(names = "--bin", paramLabel = "DIR", description = "The folder with PostgreSQL's initdb and postgres"
            + " (default: POSTGRES_BIN, else what pg_config --bindir says, else /usr/lib/postgresql/N/bin).")
    Path binDir;

    @Option(names = "--reset", description = "Delete every database first (wipes the data directory).")
    boolean reset;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Where the password made on the first"
            + " start is kept, readable by you alone (default: the file .postgres-password at the repository root;"
            + " not used when POSTGRES_PASSWORD is set).")
    Path passwordFile;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalPostgres())
                .setExecutionExceptionHandler(LocalPostgres::reportFailure)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dir();
        Path root = Path.of(System.getProperty("franz.root", "."));
        Path passwords = (passwordFile != null ? passwordFile : root.resolve(FranzConfig.POSTGRES_PASSWORD_FILE))
                .toAbsolutePath().normalize();
        Path bin = findPostgres();
        requirePortFree(port);
        // initdb and the server refuse to run as root: as root (a CI machine), they run as the postgres user.
        Optional<String> runAs = isRoot() ? Optional.of("postgres") : Optional.empty();
        if (reset) {
            wipe(dir);
        }
        long startedAt = System.nanoTime();
        boolean created = !Files.exists(dir.resolve("PG_VERSION"));
        Password password = password(root, passwords, created);
        if (created) {
            initdb(bin, dir, runAs, password.value());
        } else {
            requirePasswords(dir);
        }
        Process server = startServer(bin, dir, runAs);
        Thread serverLines = printLines(server);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            out.println("Stopping PostgreSQL...");
            long stopAt = System.nanoTime();
            try {
                // The shell between this JVM and the server reads its standard input: at its end, it asks the
                // server for a fast shutdown and waits for it. The same happens when this JVM is killed.
                server.getOutputStream().close();
                if (!server.waitFor(8, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
                serverLines.join(1000); // its last lines: the shutdown
            } catch (IOException e) {
                server.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.printf("PostgreSQL stopped in %.1f s. Data kept in %s%n", (System.nanoTime() - stopAt) / 1e9,
                    shown(dir));
            stopped.countDown();
        }, "local-postgres-shutdown"));
        String version = awaitReady(server, dir, password.value());
        out.printf("%nPostgreSQL %s is running, ready in %.1f s%n", version, (System.nanoTime() - startedAt) / 1e9);
        out.printf("  JDBC URL          : %s (user %s, on this machine only)%n", url(port), USER);
        out.printf("  password          : %s%n", password.where());
        out.printf("  wal_level         : logical (change data capture can read every committed change)%n");
        out.printf("  data              : %s (%s)%n", shown(dir), created ? "new: initdb ran now" : "kept from earlier runs");
        out.printf("  programs          : %s%s%n", bin, runAs.map(user -> ", run as the " + user + " user").orElse(""));
        out.println("  stop              : Ctrl-C (data is kept; --reset wipes it)");
        out.println();
        out.println("In another terminal:  psql -h localhost -p " + port + " -U " + USER + " " + DATABASE
                + "   (it asks for the password)");
        out.println();
        server.onExit().thenRun(() -> {
            if (!stopping.get()) {
                out.println("The PostgreSQL server ended on its own (exit " + server.exitValue() + "): see its lines"
                        + " above. Start local-postgres again.");
                stopped.countDown();
            }
        });
        stopped.await();
        return 0;
    }

    static String url(int port) {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    /** --bin, POSTGRES_BIN, pg_config --bindir, then Debian's and Homebrew's usual folders. */
    private Path findPostgres() throws IOException, InterruptedException {
        List<Path> tried = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        if (binDir != null) {
            candidates.add(binDir);
        } else {
            String env = System.getenv("POSTGRES_BIN");
            if (env != null && !env.isBlank()) {
                candidates.add(Path.of(env.strip()));
            }
            pgConfigBinDir().ifPresent(candidates::add);
            for (Path parent : List.of(Path.of("/usr/lib/postgresql"), Path.of("/opt/homebrew/opt"),
                    Path.of("/usr/local/opt"))) {
                if (Files.isDirectory(parent)) {
                    try (Stream<Path> versions = Files.list(parent)) {
                        versions.filter(p -> p.getFileName().toString().matches("(postgresql@)?\\d+(\\.\\d+)?"))
                                .sorted(Comparator.comparing((Path p) -> Double.parseDouble(
                                        p.getFileName().toString().replace("postgresql@", ""))).reversed())
                                .map(p -> p.resolve("bin")).forEach(candidates::add);
                    }
                }
            }
            candidates.add(Path.of("/usr/local/pgsql/bin"));
        }
        for (Path candidate : candidates) {
            tried.add(candidate);
            if (Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("postgres"))) {
                return candidate.toAbsolutePath();
            }
        }
        throw new StartException("No PostgreSQL server programs (initdb, postgres) found; looked in " + tried + ".\n"
                + "  - Install PostgreSQL: Debian/Ubuntu  sudo apt-get install postgresql   macOS  brew install"
                + " postgresql@16\n"
                + "  - or name the folder: --bin DIR (or POSTGRES_BIN=DIR), the one with initdb and postgres");
    }

    private static Optional<Path> pgConfigBinDir() throws InterruptedException {
        try {
            Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 && !output.isEmpty() ? Optional.of(Path.of(output)) : Optional.empty();
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
    }

    private void initdb(Path bin, Path dir, Optional<String> runAs, String password)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        if (runAs.isPresent()) {
            run(List.of("chown", runAs.get() + ":", dir.toString()), "give " + dir + " to the " + runAs.get() + " user");
            Process reach = new ProcessBuilder(asUser(runAs, List.of("test", "-w", dir.toString()))).start();
            if (reach.waitFor() != 0) {
                throw new StartException("The " + runAs.get() + " user, which runs the server here (initdb refuses"
                        + " root), cannot reach " + dir + ": a folder above it is closed to other users. Use --data-dir"
                        + " with a folder it can reach, e.g. /tmp/franz-postgres.");
            }
        }
        // Every connection logs in with the password, checked with SCRAM-SHA-256 (the password itself never
        // crosses the connection). Not "trust": every user of this machine can reach localhost, and the franz
        // role is a superuser, who may run programs on the server (COPY ... TO PROGRAM).
        // initdb reads the password from a file (--pwfile), not from its command line, where ps shows it to
        // everyone: a file only its reader may open, in a folder only its reader may open, deleted after.
        Path secret = Files.createTempDirectory("franz-initdb", ownerOnly("rwx------"));
        Path pwfile = secret.resolve("password");
        try {
            writeOwnerOnly(pwfile, password + "\n");
            if (runAs.isPresent()) {
                run(List.of("chown", "-R", runAs.get() + ":", secret.toString()), "give the password file to "
                        + runAs.get());
            }
            List<String> command = new ArrayList<>(List.of(bin.resolve("initdb").toString(), "-D", dir.toString(),
                    "-U", USER, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--pwfile=" + pwfile,
                    "-E", "UTF8", "--locale=C"));
            out.println("Creating a PostgreSQL data directory in " + shown(dir) + " (initdb)...");
            run(asUser(runAs, command), "create the data directory (initdb)");
        } finally {
            Files.deleteIfExists(pwfile);
            Files.deleteIfExists(secret);
        }
    }

    /** The password, and where a learner finds it (for the banner). */
    record Password(String value, String where) {
    }

    /**
     * POSTGRES_PASSWORD from the environment or .env, as Franz's programs read it; else the one in the
     * password file; else, for a new data directory, a new one, written to the password file.
     */
    private Password password(Path root, Path file, boolean created) throws IOException {
        String key = "POSTGRES_PASSWORD";
        String environment = System.getenv(key);
        if (environment != null && !environment.isBlank()) {
            return new Password(environment.strip(), "POSTGRES_PASSWORD, from the environment");
        }
        ConfigSource dotenv = FranzConfig.dotenvFile(root.resolve(".env"));
        if (!dotenv.values().getOrDefault(key, "").isBlank()) {
            return new Password(dotenv.values().get(key).strip(), "POSTGRES_PASSWORD, from .env");
        }
        String where = "in " + shown(file) + " (only you may read it; Franz's programs do)";
        String kept = Files.exists(file) ? FranzConfig.dotenvFile(file).values().getOrDefault(key, "") : "";
        if (!kept.isBlank()) {
            return new Password(kept.strip(), where);
        }
        if (!created) {
            throw new StartException("The password of " + shown(dir()) + " is not in " + shown(file) + ", nor in"
                    + " POSTGRES_PASSWORD. Set POSTGRES_PASSWORD if you know it, or start with --reset: a new data"
                    + " directory gets a new password (every database is deleted).");
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String made = HexFormat.of().formatHex(random);
        writeOwnerOnly(file, "# Made by local-postgres: the password of the user " + USER + ". Only you may read"
                + " this file; git ignores it.\n" + key + "=" + made + "\n");
        return new Password(made, where);
    }

    private Path dir() {
        return (dataDir != null ? dataDir : Path.of(System.getProperty("franz.root", ".")).resolve(".postgres-data"))
                .toAbsolutePath().normalize();
    }

    /**
     * Written into a new file only its owner may read ({@code rw-------}) from its first byte, which then
     * takes the file's name.
     */
    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path written = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp",
                ownerOnly("rw-------"));
        try {
            Files.writeString(written, text, StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
    }

    /** A file mode such as rw-------, for a file made with it; none where files have no POSIX modes (Windows). */
    private static FileAttribute<?>[] ownerOnly(String mode) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
    }

    /** A data directory made by an older local-postgres trusts every local user: it is not started so. */
    private static void requirePasswords(Path dir) throws IOException {
        Path hba = dir.resolve("pg_hba.conf");
        if (Files.isReadable(hba) && Files.readAllLines(hba).stream().map(String::strip)
                .anyMatch(line -> !line.startsWith("#") && line.matches(".*\\strust$"))) {
            throw new StartException(shown(dir) + " was made by an older local-postgres, which let every user of this"
                    + " machine in without a password (as a superuser). Start with --reset to make it again with a"
                    + " password (every database is deleted).");
        }
    }

    /**
     * {@code postgres} with the lesson's settings, behind a shell that stops it with a fast shutdown
     * (SIGINT: open transactions are rolled back, committed ones kept) when this JVM's end of its
     * standard input closes: on Ctrl-C (the shutdown hook closes it) and however else this JVM ends.
     */
    private Process startServer(Path bin, Path dir, Optional<String> runAs) throws IOException {
        String postgres = String.join(" ", List.of(quoted(bin.resolve("postgres").toString()), "-D", quoted(dir.toString()),
                "-p", String.valueOf(port),
                // Only this machine: the server trusts every local connection (initdb -A trust).
                "-c", "listen_addresses=localhost",
                // TCP only, no Unix socket file: clients connect to localhost:PORT.
                "-c", "unix_socket_directories=''",
                // Logical decoding: what Debezium's PostgreSQL connector reads (PostgreSQL's default is replica).
                "-c", "wal_level=logical"));
        // trap '' INT: Ctrl-C in a terminal reaches every process of the group. The shell and cat ignore it, so
        // they are still there to stop the server when this JVM's end of the pipe closes; the server sets its
        // own SIGINT handler and takes it as a fast shutdown at once (its log lines show it).
        String watch = "trap '' INT; " + postgres + " & server=$!; cat >/dev/null; kill -INT $server 2>/dev/null;"
                + " wait $server";
        List<String> command = asUser(runAs, List.of("sh", "-c", watch));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The server's own log lines (start, shutdown, errors), as PostgreSQL writes them. */
    private Thread printLines(Process server) {
        Thread lines = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.println("  postgres | " + line);
                }
            } catch (IOException closed) {
                // the server ended
            }
        }, "postgres-output");
        lines.setDaemon(true);
        lines.start();
        return lines;
    }

    /** Waits until the server answers a query, then makes the lessons' database if it is missing. */
    private String awaitReady(Process server, Path dir, String password) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                    USER, password)) {
                try (Statement statement = connection.createStatement()) {
                    ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
                    if (!exists.next()) {
                        statement.execute("CREATE DATABASE " + DATABASE);
                    }
                    ResultSet version = statement.executeQuery("SHOW server_version");
                    version.next();
                    return version.getString(1);
                }
            } catch (SQLException e) {
                if ("28P01".equals(e.getSQLState())) { // invalid_password: waiting longer will not help
                    throw new StartException("PostgreSQL refused the password (" + e.getMessage() + "): this data"
                            + " directory, " + shown(dir) + ", was made with another one. Set POSTGRES_PASSWORD to"
                            + " its password, or start with --reset (every database is deleted).");
                }
                last = e; // not accepting connections yet
                Thread.sleep(200);
            }
        }
        throw new StartException("PostgreSQL did not start " + (server.isAlive() ? "within " + START_TIMEOUT.toSeconds()
                + " s" : "(it ended, exit " + server.exitValue() + ")") + ": its lines above say why"
                + (last == null ? "" : " (last: " + last.getMessage() + ")") + ". Data directory: " + shown(dir));
    }

    private static List<String> asUser(Optional<String> user, List<String> command) {
        if (user.isEmpty()) {
            return command;
        }
        List<String> as = new ArrayList<>(List.of("runuser", "-u", user.get(), "--"));
        as.addAll(command);
        return as;
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new StartException("Could not " + what + ":\n" + output.strip());
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** Fails at once with what to do, instead of the server's "could not bind" among its lines. */
    static void requirePortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
        } catch (IOException e) {
            throw new StartException("Port " + port + " is already in use on localhost: probably a PostgreSQL already"
                    + " runs there (this machine's own service, or a local-postgres in another terminal).\n"
                    + "Find it with:  ss -ltnp | grep ':" + port + " '   Stop it, use it as it is, or pick another port"
                    + " with --port.");
        }
    }

    /** Deletes a PostgreSQL data directory, refusing anything that does not look like one. */
    private void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (!Files.exists(dir.resolve("PG_VERSION")) && entries.findAny().isPresent()) {
                throw new StartException("Refusing to --reset " + shown(dir) + ": it is not empty and has no PG_VERSION,"
                        + " so it is not a PostgreSQL data directory.");
            }
        }
        if (Files.exists(dir.resolve("postmaster.pid"))) {
            throw new StartException("Refusing to --reset " + shown(dir) + ": it has a postmaster.pid, so a server may"
                    + " still use it. Stop that server first; nothing was deleted.");
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        out.println("Wiped " + shown(dir) + ": starting with no databases.");
    }

    /** A path as a learner typed it: relative to the current folder when it is inside it. */
    static String shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString()
                : absolute.toString();
    }

    /** A start failure is the learner's to fix: print the reason, not a stack trace. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof StartException) {
            commandLine.getErr().println(e.getMessage());
            return 1;
        }
        throw e;
    }

    /** A problem the learner can fix: printed alone. */
    static final class StartException extends RuntimeException {
        StartException(String message) {
            super(message);
        }
    }

    /** A TCP port: 1 to 65535. */
    static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int number = Integer.parseInt(value.strip());
                if (number >= 1 && number <= 65_535) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not allowed, it must be a whole number"
                    + " from 1 to 65535");
        }
    }
}
