package org.snplab.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's real {@code nginx -t} on deploy/nginx/snplab.conf, included as Debian's nginx.conf includes a site, with
 * a self-signed certificate made by openssl where the site expects the lab's. The test's nginx has its own prefix,
 * pid, logs and temp paths, so it needs no system nginx and touches nothing of one.
 */
class NginxConfigIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void theSiteConfigurationPassesNginxTestWithARealCertificate() throws Exception {
		Command check = nginxTest(site());

		assertThat(check.exitCode()).as(check.output()).isZero();
		assertThat(check.output()).contains("test is successful");
	}

	@Test
	void aBrokenSiteFailsNginxTest() throws Exception {
		Command check = nginxTest(site().replace("proxy_buffering off;", "proxy_buffering never;"));

		assertThat(check.exitCode()).isNotZero();
		assertThat(check.output()).contains("proxy_buffering");
	}

	@Test
	void longPollsAndLiveLogsPassUnbufferedToTwoServersOverKeptAliveConnections() throws Exception {
		String site = Files.readString(Command.DEPLOY.resolve("nginx/snplab.conf"));

		assertThat(site).contains("proxy_buffering off;", "proxy_http_version 1.1;", "proxy_set_header Connection \"\";",
				"keepalive 32;", "listen 443 ssl", "X-Forwarded-Proto $scheme");
		assertThat(site.lines().filter(line -> line.strip().startsWith("server 127.0.0.1:")).count())
			.as("two upstream servers").isEqualTo(2);
		int minutes = Integer.parseInt(site.replaceAll("(?s).*proxy_read_timeout (\\d+)m;.*", "$1"));
		assertThat(minutes * 60).as("above the 25 s poll and the 30 min log follow").isGreaterThan(30 * 60);
	}

	/** The site with the test's certificate and unprivileged ports. */
	private String site() throws Exception {
		Command cert = Command.run(Command.required("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048",
				"-nodes", "-days", "1", "-subj", "/CN=snplab.example.org", "-keyout", tmp.resolve("privkey.pem").toString(),
				"-out", tmp.resolve("fullchain.pem").toString());
		assertThat(cert.exitCode()).as(cert.output()).isZero();
		return Files.readString(Command.DEPLOY.resolve("nginx/snplab.conf"))
			.replace("/etc/ssl/snplab/", tmp + "/")
			.replace("listen 80;", "listen 127.0.0.1:18080;")
			.replace("listen [::]:80;", "")
			.replace("listen 443 ssl http2;", "listen 127.0.0.1:18443 ssl http2;")
			.replace("listen [::]:443 ssl http2;", "");
	}

	private Command nginxTest(String site) throws Exception {
		String nginx = Command.required("nginx", "nginx");
		Files.writeString(tmp.resolve("snplab.conf"), site);
		// Debian's nginx.conf, reduced to what a site relies on, every path in the test's directory.
		Files.writeString(tmp.resolve("nginx.conf"), """
				pid %1$s/nginx.pid;
				error_log %1$s/error.log;
				events { worker_connections 64; }
				http {
				    include /etc/nginx/mime.types;
				    access_log %1$s/access.log;
				    client_body_temp_path %1$s/body;
				    proxy_temp_path %1$s/proxy;
				    fastcgi_temp_path %1$s/fastcgi;
				    uwsgi_temp_path %1$s/uwsgi;
				    scgi_temp_path %1$s/scgi;
				    include %1$s/snplab.conf;
				}
				""".formatted(tmp));
		return Command.run(nginx, "-t", "-p", tmp.toString(), "-e", tmp.resolve("error.log").toString(), "-c",
				tmp.resolve("nginx.conf").toString());
	}
}
