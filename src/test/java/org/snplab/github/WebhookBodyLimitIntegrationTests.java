package org.snplab.github;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oversized and unsigned webhook bodies from anyone: each is refused while its sender is still sending, so the
 * server can't have read (let alone kept) more than the cap of any of them. What this proves is how much the server
 * reads, not a heap measurement (flaky in one JVM): a server that buffered whole bodies would read all of them, and
 * the clients would finish sending before they got an answer.
 */
class WebhookBodyLimitIntegrationTests extends GithubIntegrationTest {

	private static final long CAP = 25L * 1024 * 1024;

	/** Far beyond the cap plus what socket buffers and Tomcat's swallowing (2 MB) take in after a refusal. */
	private static final long BODY = 80L * 1024 * 1024;

	@Test
	void eightConcurrentOversizedOrUnsignedBodiesAreRefusedBeforeTheyAreSentAndWriteNothing() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<Sent>> sending = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				Kind kind = Kind.values()[i % Kind.values().length];
				sending.add(pool.submit(() -> send(kind)));
			}
			for (Future<Sent> future : sending) {
				Sent sent = future.get(60, TimeUnit.SECONDS);
				assertThat(sent.statusLine()).as(sent.kind().name()).startsWith("HTTP/1.1 " + sent.kind().status);
				assertThat(sent.written()).as(sent.kind() + ": refused before the client finished sending")
					.isLessThan(sent.kind().readsBody ? CAP + 20L * 1024 * 1024 : 20L * 1024 * 1024);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(db.sql("select count(*) from github_delivery").query(Integer.class).single()).isZero();
	}

	enum Kind {
		/** No signature: refused before the body is read. */
		UNSIGNED(401, false, false),
		/** Declares its length: refused on the header alone. */
		DECLARED_TOO_LARGE(413, false, true),
		/** A signature (wrong, but well-formed) and chunked: read up to the cap, then refused. */
		CHUNKED_TOO_LARGE(413, true, false);

		final int status;

		final boolean readsBody;

		final boolean declaresLength;

		Kind(int status, boolean readsBody, boolean declaresLength) {
			this.status = status;
			this.readsBody = readsBody;
			this.declaresLength = declaresLength;
		}
	}

	record Sent(Kind kind, String statusLine, long written) {
	}

	/**
	 * Streams {@link #BODY} bytes of a JSON-looking body from a generator (nothing materialised) while another thread
	 * reads the answer; stops when the server closes the connection.
	 */
	private Sent send(Kind kind) throws Exception {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
			CompletableFuture<String> statusLine = CompletableFuture.supplyAsync(() -> {
				try {
					return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
						.readLine();
				}
				catch (IOException ex) {
					return "no answer: " + ex;
				}
			});
			StringBuilder head = new StringBuilder("POST /github/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Content-Type: application/json\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: " + UUID.randomUUID() + "\r\n");
			if (kind != Kind.UNSIGNED) {
				head.append("X-Hub-Signature-256: sha256=").append("0".repeat(64)).append("\r\n");
			}
			head.append(kind.declaresLength ? "Content-Length: " + BODY + "\r\n" : "Transfer-Encoding: chunked\r\n");
			head.append("\r\n");
			OutputStream out = socket.getOutputStream();
			long written = 0;
			try {
				out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
				byte[] chunk = new byte[64 * 1024];
				Arrays.fill(chunk, (byte) ' ');
				chunk[0] = '{';
				byte[] chunkHeader = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
				while (written < BODY && !statusLine.isDone()) {
					if (!kind.declaresLength) {
						out.write(chunkHeader);
					}
					out.write(chunk);
					if (!kind.declaresLength) {
						out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
					}
					written += chunk.length;
					chunk[0] = ' ';
				}
			}
			catch (IOException closedByTheServer) {
				// the server answered and closed the connection rather than read on
			}
			return new Sent(kind, statusLine.get(30, TimeUnit.SECONDS), written);
		}
	}
}
