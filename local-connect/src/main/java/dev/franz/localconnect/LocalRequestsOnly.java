package dev.franz.localconnect;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The worker's REST API answers only requests meant for this machine. It listens on localhost only, but
 * the learner's browser is on this machine too, and runs pages from anywhere:
 *
 * <ul>
 *   <li>A page from {@code attacker.example} can make its own name point at 127.0.0.1 (DNS rebinding)
 *       and then read {@code http://attacker.example:8083/connectors/.../config} as its own site. The
 *       request says {@code Host: attacker.example:8083}: a Host other than localhost, 127.0.0.1 or
 *       [::1] with the worker's port is refused.</li>
 *   <li>Any page can send {@code POST http://localhost:8083/connectors/NAME/restart} (it cannot read the
 *       answer, but the connector restarts). The browser adds {@code Origin: https://that.site}: a request
 *       with an Origin other than the worker's own is refused.</li>
 * </ul>
 *
 * <p>curl, outbox's {@code connectors} commands and other programs send no Origin, so they are answered.
 * A REST extension (KIP-285) is Connect's way to add such a check: the worker loads the classes named in
 * {@code rest.extension.classes} and each registers JAX-RS filters on the REST server. Connect itself has
 * none for Host or Origin.
 */
public final class LocalRequestsOnly implements ConnectRestExtension {

    private static final ObjectMapper JSON = new ObjectMapper();

    private List<String> hosts = List.of();

    /** Called with the worker's settings: the port comes from {@code listeners} (http://localhost:PORT). */
    @Override
    public void configure(Map<String, ?> workerConfig) {
        int port = URI.create(String.valueOf(workerConfig.get("listeners")).split(",")[0].strip()).getPort();
        hosts = List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port);
    }

    /** The Host values answered: this machine's loopback names with the worker's port. */
    List<String> hosts() {
        return hosts;
    }

    @Override
    public void register(ConnectRestExtensionContext restPluginContext) {
        restPluginContext.configurable().register(new Filter(hosts));
    }

    @Override
    public String version() {
        return AppInfoParser.getVersion();
    }

    @Override
    public void close() {
        // nothing held
    }

    /** Before Connect looks for the resource (so for every path, a wrong one too): 403 or on. */
    @PreMatching
    static final class Filter implements ContainerRequestFilter {
        private final List<String> hosts;

        Filter(List<String> hosts) {
            this.hosts = hosts;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            String refusal = refusal(hosts, request.getHeaderString("Host"), request.getHeaderString("Origin"));
            if (refusal != null) {
                request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                        .entity(errorJson(refusal)).build());
            }
        }
    }

    /** Why a request with these headers is refused, or null when it is answered. */
    static String refusal(List<String> hosts, String host, String origin) {
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            return "Refused: Host " + host + " is not this machine (a web page elsewhere may be trying DNS rebinding)";
        }
        if (origin != null && !hosts.stream().map(name -> "http://" + name).toList()
                .contains(origin.toLowerCase(Locale.ROOT))) {
            return "Refused: a request sent by a page from another site (Origin " + origin + ")";
        }
        return null;
    }

    /** Connect's own shape for an error: {"error_code":403,"message":"..."}. */
    private static String errorJson(String message) {
        try {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error_code", 403);
            error.put("message", message);
            return JSON.writeValueAsString(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error as JSON", e);
        }
    }
}
