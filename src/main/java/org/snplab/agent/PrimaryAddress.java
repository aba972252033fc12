package org.snplab.agent;

import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * This machine's primary IP, the agent's address when {@code --address} doesn't say: the local address of a UDP
 * socket "connected" to the server's host (the kernel picks the interface its route goes out of; no packet is
 * sent), else the first non-loopback address, else the loopback address.
 */
final class PrimaryAddress {

	private PrimaryAddress() {
	}

	static String of(URI server) {
		String host = server.getHost();
		if (host != null) {
			try (DatagramSocket socket = new DatagramSocket()) {
				socket.connect(new InetSocketAddress(InetAddress.getByName(host), server.getPort() > 0 ? server.getPort() : 443));
				InetAddress local = socket.getLocalAddress();
				if (local != null && !local.isAnyLocalAddress()) {
					return local.getHostAddress();
				}
			}
			catch (java.io.IOException | RuntimeException e) {
				// no route to the server's host from here (yet): fall back to the interfaces
			}
		}
		return firstNonLoopback();
	}

	private static String firstNonLoopback() {
		List<InetAddress> candidates = new ArrayList<>();
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (nic.isUp() && !nic.isLoopback()) {
					candidates.addAll(Collections.list(nic.getInetAddresses()));
				}
			}
		}
		catch (SocketException e) {
			// none readable
		}
		return candidates.stream()
			.filter(a -> !a.isLinkLocalAddress())
			.sorted((a, b) -> Boolean.compare(!(a instanceof Inet4Address), !(b instanceof Inet4Address)))
			.map(a -> a.getHostAddress().replaceAll("%.*$", ""))
			.findFirst()
			.orElse(InetAddress.getLoopbackAddress().getHostAddress());
	}
}
