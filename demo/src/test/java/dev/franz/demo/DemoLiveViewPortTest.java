package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import dev.franz.common.cli.Cli;

/** The live view's port already taken: the demo says so before it starts anything, with its own option. */
class DemoLiveViewPortTest {

    @Test
    void aBusyPortIsOneMessageNamingTheDemosOwnOption() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            StringWriter err = new StringWriter();

            int exitCode = Cli.run(new Demo(), new PrintWriter(err), "--live-view", Integer.toString(port));

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).contains("Port " + port + " (the live view's web page) is already in use")
                    .contains("--live-view PORT").doesNotContain("--port");
        }
    }
}
