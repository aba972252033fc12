package org.snplab;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What went wrong on the way to the server (the agent's and ctl's), in words an admin can act on: "connection refused by host:port", "the
 * server's certificate is not trusted: pass --ca-cert", never an exception's bare class name or "null".
 */
public final class NetworkErrors {

	private NetworkErrors() {
	}

	/** @param call what was being done, e.g. {@code POST /api/agent/register} */
	public static String describe(String call, URI server, Throwable error) {
		String where = server.getHost() + ":" + (server.getPort() > 0 ? server.getPort()
				: "https".equals(server.getScheme()) ? 443 : 80);
		return call + " to " + server + " failed: " + reason(error, where, "https".equals(server.getScheme()));
	}

	private static String reason(Throwable error, String where, boolean https) {
		if (find(error, CertificateExpiredException.class) != null) {
			return "the server's TLS certificate has expired (" + message(find(error, CertificateExpiredException.class))
					+ "): renew it on the server or its proxy";
		}
		if (find(error, CertificateNotYetValidException.class) != null) {
			return "the server's TLS certificate is not valid yet: is this host's clock right?";
		}
		String text = allMessages(error);
		if (text.contains("No subject alternative") || text.contains("No name matching")) {
			return "the server's TLS certificate is for another name than " + where.replaceAll(":\\d+$", "") + " ("
					+ firstLine(text) + "): use the name the certificate gives, or fix the certificate";
		}
		if (find(error, CertPathValidatorException.class) != null || text.contains("unable to find valid certification path")
				|| text.contains("PKIX path")) {
			return "the server's TLS certificate is not trusted (not signed by a CA this host knows): pass the lab's CA "
					+ "with --ca-cert FILE";
		}
		if (text.contains("certificate_required") || text.contains("bad_certificate")) {
			return "the server (or its proxy) refused this host's TLS client certificate, or wants one: check "
					+ "--client-cert and --client-key";
		}
		if (https && (text.contains("received no bytes") || text.contains("Connection reset"))) {
			// TLS 1.3 checks a client certificate after the client's side of the handshake: a refusal arrives as a
			// closed connection.
			return "the connection was closed right after the TLS handshake: the server (or its proxy) may have refused "
					+ "this host's TLS client certificate, or wants one (--client-cert, --client-key)";
		}
		if (find(error, UnknownHostException.class) != null || find(error, UnresolvedAddressException.class) != null) {
			return "unknown host " + where.replaceAll(":\\d+$", "") + " (not in DNS, or no network)";
		}
		if (find(error, HttpConnectTimeoutException.class) != null) {
			return "no answer from " + where + " within the connect timeout (a firewall, or the server is down)";
		}
		if (find(error, HttpTimeoutException.class) != null) {
			return "the server took longer than the call's timeout to answer";
		}
		if (find(error, NoRouteToHostException.class) != null) {
			return "no route to " + where;
		}
		if (find(error, ConnectException.class) != null) {
			return "can't connect: connection refused by " + where + " (is the server running, is the port right?)";
		}
		if (find(error, SSLHandshakeException.class) != null || find(error, SSLException.class) != null) {
			return "TLS with " + where + " failed: " + firstLine(text) + (text.contains("plaintext")
					? " (is it an http:// server? then --server http://...)" : "");
		}
		return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + firstLine(error.getMessage()));
	}

	private static <T extends Throwable> T find(Throwable error, Class<T> type) {
		for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

	private static String allMessages(Throwable error) {
		StringBuilder all = new StringBuilder();
		for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t.getMessage() != null) {
				all.append(t.getMessage()).append('\n');
			}
		}
		return all.toString();
	}

	private static String message(Throwable error) {
		return error.getMessage() == null ? error.getClass().getSimpleName() : firstLine(error.getMessage());
	}

	private static String firstLine(String text) {
		String line = text.strip().lines().findFirst().orElse("");
		return line.length() > 200 ? line.substring(0, 200) + "…" : line;
	}
}
