package dev.franz.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POSTGRES_PASSWORD comes from local-postgres's password file unless .env or the environment set one. */
class LocalPostgresPasswordTest {

    @TempDir
    Path root;

    @Test
    void theFileLocalPostgresKeepsGivesThePasswordWhenNothingElseDoes() throws Exception {
        Files.writeString(root.resolve(".postgres-password"), "# made by local-postgres\nPOSTGRES_PASSWORD=s3cret\n");
        ConfigSource unset = new ConfigSource("environment", Map.of());
        ConfigSource empty = new ConfigSource(".env", Map.of("POSTGRES_PASSWORD", "")); // as .env.example has it

        assertThat(password(empty, unset, FranzConfig.localPostgresPassword(root, empty, unset))).isEqualTo("s3cret");
    }

    @Test
    void aPasswordSetInDotEnvOrTheEnvironmentWins() throws Exception {
        Files.writeString(root.resolve(".postgres-password"), "POSTGRES_PASSWORD=s3cret\n");
        ConfigSource dotenv = new ConfigSource(".env", Map.of("POSTGRES_PASSWORD", "mine"));

        assertThat(password(dotenv, FranzConfig.localPostgresPassword(root, dotenv))).isEqualTo("mine");
    }

    @Test
    void noFileLeavesTheDefaultEmptyPassword() {
        assertThat(password(FranzConfig.localPostgresPassword(root))).isEmpty();
    }

    /** POSTGRES_PASSWORD from these sources, lowest first, as FranzConfig.load layers them. */
    private String password(ConfigSource... sources) {
        List<ConfigSource> all = new java.util.ArrayList<>(List.of(FranzConfig.defaults()));
        all.addAll(List.of(sources));
        return FranzConfig.resolve(root, all).postgres().password();
    }
}
