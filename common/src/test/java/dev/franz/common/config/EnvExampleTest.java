package dev.franz.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** .env.example is the documentation of every setting: it must name them all, with valid values. */
class EnvExampleTest {

    private static final Path ENV_EXAMPLE = Path.of("..", ".env.example");

    @Test
    void documentsEveryKeyWithItsDefault() {
        ConfigSource example = FranzConfig.dotenvFile(ENV_EXAMPLE);

        assertThat(example.values().keySet())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ConfigKey.values()).map(Enum::name).toList());
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(example.values().get(key.name())).as(key.name()).isEqualTo(key.defaultValue());
        }
    }

    @Test
    void isAValidConfiguration() {
        FranzConfig config = FranzConfig.resolve(Path.of(".."), List.of(FranzConfig.dotenvFile(ENV_EXAMPLE)));

        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    }
}
