package dev.franz.common.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An address for a server to listen on ({@code live-view --bind}), checked before anything starts: an
 * address of this machine (or 0.0.0.0, all of them), or a name that resolves to one. Anything else is
 * refused with one line naming it, instead of failing later to bind and blaming the port:
 * {@code converter = BindAddress.class}.
 */
public final class BindAddress implements ITypeConverter<String> {

    @Override
    public String convert(String value) {
        String given = value.strip();
        if (given.isEmpty()) {
            throw new TypeConversionException("'" + value + "' is not allowed, it must be an address of this machine,"
                    + " e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (all its addresses)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(given);
        } catch (UnknownHostException e) {
            throw new TypeConversionException("'" + value + "' is not allowed: it is not an IP address, nor a name"
                    + " that resolves to one");
        }
        if (!address.isAnyLocalAddress() && !isOfThisMachine(address)) {
            throw new TypeConversionException("'" + value + "' is not allowed: " + address.getHostAddress()
                    + " is not an address of this machine, so nothing can listen on it (127.0.0.1: this machine"
                    + " only; 0.0.0.0: all its addresses)");
        }
        return given;
    }

    private static boolean isOfThisMachine(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
