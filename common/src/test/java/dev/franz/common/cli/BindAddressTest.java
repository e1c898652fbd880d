package dev.franz.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

class BindAddressTest {

    @Command(name = "server")
    static final class Server implements Callable<Integer> {
        @Option(names = "--bind", defaultValue = "127.0.0.1", converter = BindAddress.class)
        String bind;

        @Override
        public Integer call() {
            return 0;
        }
    }

    private final BindAddress converter = new BindAddress();

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "localhost", "::1", "::"})
    void anAddressOfThisMachineOrAllOfThemIsTaken(String address) {
        assertThat(converter.convert(address)).isEqualTo(address);
    }

    @Test
    void eachAddressOfThisMachinesInterfacesIsTaken() throws Exception {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                String text = address.getHostAddress().replaceAll("%.*", "");
                if (!address.isLinkLocalAddress()) {
                    assertThat(converter.convert(text)).isEqualTo(text);
                }
            }
        }
    }

    @Test
    void notAnAddressAtAllIsSaidSo() {
        assertThatThrownBy(() -> converter.convert("999.1.1.1")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'999.1.1.1' is not allowed: it is not an IP address, nor a name that resolves to one");
        assertThatThrownBy(() -> converter.convert("no-such-host.invalid")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> converter.convert(" ")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("it must be an address of this machine");
    }

    @Test
    void anAddressOfAnotherMachineIsSaidSoNotBlamedOnThePort() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): documentation only, never a machine's own address.
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new Server(), new PrintWriter(err), "--bind", "192.0.2.7");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).isEqualTo("Invalid value for option '--bind':"
                + " '192.0.2.7' is not allowed: 192.0.2.7 is not an address of this machine, so nothing can listen"
                + " on it (127.0.0.1: this machine only; 0.0.0.0: all its addresses)");
        assertThat(err.toString()).contains("Usage: server").doesNotContain("port").doesNotContain("Exception");
    }
}
