package org.snplab.agent.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How the agent talks TLS to the server, with the JDK's own TLS and no extra library: the system's trusted CAs plus
 * a lab's own ({@code --ca-cert FILE}, PEM), optionally a client certificate for mutual TLS at the lab's proxy
 * ({@code --client-cert FILE --client-key FILE}, PEM, the key PKCS#8 as {@code openssl genpkey} writes it). Plain
 * {@code http://} only to the loopback address unless {@code --insecure-http}: the host credential must not cross a
 * network in clear.
 */
public record AgentTls(Path caCert, Path clientCert, Path clientKey, boolean insecureHttp) {

	public static final AgentTls SYSTEM = new AgentTls(null, null, null, false);

	private static final Pattern PEM = Pattern.compile(
			"-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

	public AgentTls {
		if ((clientCert == null) != (clientKey == null)) {
			throw new IllegalArgumentException("--client-cert and --client-key go together");
		}
	}

	/** Refuses a server URL the agent must not use: {@code http://} to another machine without {@code --insecure-http}. */
	public void check(URI server) {
		if ("http".equals(server.getScheme()) && !insecureHttp && !loopback(server.getHost())) {
			throw new IllegalArgumentException("--server " + server + " is plain http to another machine: the host "
					+ "credential would cross the network in clear. Use https://, or --insecure-http if you mean it");
		}
	}

	/** The HTTP client builder with this TLS set up. */
	public HttpClient.Builder configure(HttpClient.Builder builder) {
		if (caCert == null && clientCert == null) {
			return builder;
		}
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(clientCert == null ? null : keyManagers(), caCert == null ? null : trustManagers(), null);
			return builder.sslContext(context);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalArgumentException("TLS set-up failed: " + ex.getMessage(), ex);
		}
	}

	private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
		KeyStore lab = KeyStore.getInstance(KeyStore.getDefaultType());
		lab.load(null, null);
		List<X509Certificate> certificates = certificates(caCert, "--ca-cert");
		for (int i = 0; i < certificates.size(); i++) {
			lab.setCertificateEntry("lab-ca-" + i, certificates.get(i));
		}
		X509TrustManager system = trustManager(null);
		X509TrustManager labs = trustManager(lab);
		return new TrustManager[] { new EitherTrustManager(labs, system) };
	}

	private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		for (TrustManager manager : factory.getTrustManagers()) {
			if (manager instanceof X509TrustManager x509) {
				return x509;
			}
		}
		throw new GeneralSecurityException("no X.509 trust manager");
	}

	private javax.net.ssl.KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
		List<X509Certificate> chain = certificates(clientCert, "--client-cert");
		PrivateKey key = privateKey(clientKey);
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		char[] password = new char[0];
		store.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(store, password);
		return factory.getKeyManagers();
	}

	private static List<X509Certificate> certificates(Path file, String option) {
		try {
			Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
				.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
			if (read.isEmpty()) {
				throw new IllegalArgumentException(option + " " + file + " holds no PEM certificate");
			}
			List<X509Certificate> certificates = new ArrayList<>();
			read.forEach(c -> certificates.add((X509Certificate) c));
			return certificates;
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(option + " " + file + ": can't read it (" + ex.getClass().getSimpleName() + ")");
		}
		catch (CertificateException ex) {
			throw new IllegalArgumentException(option + " " + file + " is not a PEM certificate: " + ex.getMessage());
		}
	}

	private static PrivateKey privateKey(Path file) {
		String text;
		try {
			text = Files.readString(file);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("--client-key " + file + ": can't read it (" + ex.getClass().getSimpleName() + ")");
		}
		Matcher pem = PEM.matcher(text);
		if (!pem.find() || !pem.group(1).equals("PRIVATE KEY")) {
			throw new IllegalArgumentException("--client-key " + file + " must be a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----"
					+ ", as openssl genpkey writes it; convert others with openssl pkcs8 -topk8 -nocrypt)");
		}
		byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
		for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
			catch (GeneralSecurityException ex) {
				// try the next algorithm
			}
		}
		throw new IllegalArgumentException("--client-key " + file + ": neither an EC, RSA nor Ed25519 key");
	}

	private static boolean loopback(String host) {
		if (host == null) {
			return false;
		}
		if (host.equals("localhost")) {
			return true;
		}
		try {
			return InetAddress.getByName(host.replaceAll("^\\[|]$", "")).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/** Trusts what the lab's CA or the system's CAs trust; the first one's refusal is the one reported. */
	private record EitherTrustManager(X509TrustManager lab, X509TrustManager system) implements X509TrustManager {

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			try {
				lab.checkServerTrusted(chain, authType);
			}
			catch (CertificateException notTheLabs) {
				try {
					system.checkServerTrusted(chain, authType);
				}
				catch (CertificateException notTheSystems) {
					throw notTheLabs;
				}
			}
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			system.checkClientTrusted(chain, authType);
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			X509Certificate[] a = lab.getAcceptedIssuers();
			X509Certificate[] b = system.getAcceptedIssuers();
			X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
			System.arraycopy(b, 0, all, a.length, b.length);
			return all;
		}
	}
}
