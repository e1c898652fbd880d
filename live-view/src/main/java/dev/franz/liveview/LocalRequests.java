package dev.franz.liveview;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which requests the live view answers: those meant for this machine, sent by its own page or by a
 * program such as curl. Listening on 127.0.0.1 is not enough on its own, because the browser is on this
 * machine too, and runs pages from anywhere:
 *
 * <ul>
 *   <li><b>DNS rebinding.</b> A page from {@code attacker.example} makes its own name point at
 *       127.0.0.1, then asks {@code http://attacker.example:8088/events}: for the browser that is the
 *       page's own site, so it lets the page read the answer. The request still says
 *       {@code Host: attacker.example:8088}: a {@code Host} that does not name this machine (and the
 *       port) is refused.</li>
 *   <li><b>Cross-site requests.</b> A page from elsewhere may send requests to
 *       {@code http://localhost:8088} (a form, an image, fetch): the browser then adds
 *       {@code Origin: https://that.site}. The live view's own page never needs one from another site,
 *       so any {@code Origin} that is not the live view's own is refused.</li>
 * </ul>
 *
 * <p>curl and other programs send no {@code Origin}, and a {@code Host} with the address they connect
 * to: they are answered as before.
 */
final class LocalRequests {

    private final Set<String> hosts = new LinkedHashSet<>();
    private final int port;

    /** For a server bound to {@code bind} (an address, e.g. 127.0.0.1 or 0.0.0.0) on {@code port}. */
    LocalRequests(String bind, int port) {
        this.port = port;
        for (String name : List.of("localhost", "127.0.0.1", "[::1]")) {
            hosts.add(name + ":" + port);
        }
        // --bind elsewhere, on purpose: the names others use to reach it are this machine's too.
        if (!isLoopback(bind)) {
            for (InetAddress address : addresses(bind)) {
                hosts.add(name(address) + ":" + port);
            }
        }
    }

    /** Why this request is refused (one line for the 403), or null when it is answered. */
    String refusal(String host, String origin) {
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            return "Refused: Host " + host + " is not this machine (a web page elsewhere may be trying DNS"
                    + " rebinding). Open http://localhost:" + port + "/";
        }
        if (origin != null && !hosts.contains(stripScheme(origin.toLowerCase(Locale.ROOT)))) {
            return "Refused: a request sent by a page from another site (Origin " + origin + ")";
        }
        return null;
    }

    /**
     * The one line a learner reads when they bind the live view beyond this machine on purpose, or null
     * for 127.0.0.1 and the other loopback addresses.
     */
    static String exposure(String bind) {
        if (isLoopback(bind)) {
            return null;
        }
        return "  exposed  : --bind " + bind + " serves every topic's records, read with your client settings, to"
                + " anyone who can reach " + (isWildcard(bind) ? "this machine" : bind) + " (no password)";
    }

    /** The host and port of an Origin of this server's own scheme (http), else null: never one of ours. */
    private static String stripScheme(String origin) {
        return origin.startsWith("http://") ? origin.substring("http://".length()) : null;
    }

    private static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isWildcard(String bind) {
        try {
            return InetAddress.getByName(bind).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The address bound to; for 0.0.0.0 (every interface), every address of this machine (not its name). */
    private static Set<InetAddress> addresses(String bind) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            InetAddress bound = InetAddress.getByName(bind);
            if (!bound.isAnyLocalAddress()) {
                addresses.add(bound);
                return addresses;
            }
            NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).forEach(addresses::add);
        } catch (UnknownHostException | SocketException e) {
            // none more: localhost still works
        }
        return addresses;
    }

    private static String name(InetAddress address) {
        String text = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int scope = text.indexOf('%'); // fe80::1%eth0: a browser writes [fe80::1], without the interface
            return "[" + (scope < 0 ? text : text.substring(0, scope)) + "]";
        }
        return text;
    }
}
