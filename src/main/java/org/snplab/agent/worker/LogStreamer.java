package org.snplab.agent.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.agent.api.AgentApi;

/**
 * Ships a job's output file to the server in numbered chunks. The steps append to the file themselves, so the
 * file is the buffer: a server that is down for a while costs disk, not memory, and nothing is lost. A chunk goes
 * when 64 KiB are waiting or the oldest waiting byte is 250 ms old; a failed chunk is sent again, same bytes and
 * same seq, until it gets through, so the server can drop duplicates and order never changes.
 */
public final class LogStreamer {

	private static final Logger log = LoggerFactory.getLogger(LogStreamer.class);

	static final int CHUNK = 64 * 1024;

	static final Duration MAX_DELAY = Duration.ofMillis(250);

	private static final Duration IDLE = Duration.ofMillis(50);

	private final AgentApi api;

	private final long jobId;

	private final int attempt;

	private final Path file;

	private final Thread thread;

	private volatile long closeDeadline; // nanoTime; 0 while the job runs

	private volatile boolean abandoned;

	private volatile IOException failure;

	private long seq;

	public LogStreamer(AgentApi api, long jobId, int attempt, Path file) throws IOException {
		this.api = api;
		this.jobId = jobId;
		this.attempt = attempt;
		this.file = file;
		Files.write(file, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
		this.thread = new Thread(this::stream, "log-" + jobId + "-" + attempt);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	public Path file() {
		return file;
	}

	/** Writes a line of the agent's own (step headers, notes) into the output, in order with the steps' output. */
	public synchronized void line(String text) {
		try {
			Files.writeString(file, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException e) {
			log.warn("job {}: can't write log line: {}", jobId, e.getMessage());
		}
	}

	/** The error that made streaming stop for good (409, 401, ...), or null. */
	public IOException failure() {
		return failure;
	}

	/** Sends everything written so far and stops; true when all of it reached the server within {@code within}. */
	public boolean close(Duration within) throws InterruptedException {
		closeDeadline = System.nanoTime() + within.toNanos();
		thread.join();
		return failure == null && !abandoned;
	}

	/** Stops at once without sending the rest: the attempt is no longer ours. */
	public void abandon() throws InterruptedException {
		abandoned = true;
		thread.interrupt();
		thread.join();
	}

	private void stream() {
		byte[] pending = new byte[CHUNK];
		int length = 0;
		long oldest = 0;
		try (InputStream in = Files.newInputStream(file)) {
			while (!abandoned) {
				// Read the flag before the file: once closing, a read that finds nothing means the end was seen.
				boolean closing = closeDeadline != 0;
				int read = length < CHUNK ? in.read(pending, length, CHUNK - length) : 0;
				boolean atEnd = length < CHUNK && read <= 0;
				if (read > 0) {
					oldest = length == 0 ? System.nanoTime() : oldest;
					length += read;
				}
				boolean due = length == CHUNK || (length > 0 && System.nanoTime() - oldest >= MAX_DELAY.toNanos());
				if (due || (closing && atEnd && length > 0)) {
					int cut = closing && atEnd ? length : utf8Boundary(pending, length);
					if (cut > 0) {
						send(Arrays.copyOf(pending, cut));
						System.arraycopy(pending, cut, pending, 0, length - cut);
						length -= cut;
						oldest = length == 0 ? 0 : System.nanoTime();
						continue;
					}
				}
				if (closing && atEnd && length == 0) {
					return;
				}
				if (atEnd) {
					Thread.sleep(IDLE.toMillis());
				}
			}
		}
		catch (InterruptedException e) {
			// abandoned
		}
		catch (IOException e) {
			failure = e;
			log.warn("job {}: log streaming stopped: {}", jobId, e.getMessage());
		}
	}

	/** Sends one chunk until it gets through; gives up only on a final answer or past the close deadline. */
	private void send(byte[] chunk) throws IOException, InterruptedException {
		Retry retry = new Retry();
		while (true) {
			try {
				api.log(jobId, attempt, seq, chunk);
				seq++;
				return;
			}
			catch (IOException e) {
				long deadline = closeDeadline;
				if (!Retry.retryable(e) || (deadline != 0 && System.nanoTime() > deadline)) {
					throw e;
				}
				log.warn("job {}: log chunk {} failed, resending: {}", jobId, seq, e.getMessage());
				retry.pause();
			}
		}
	}

	/**
	 * How many of the first {@code length} bytes end on a character boundary, so that no chunk splits a UTF-8
	 * sequence. Bytes that aren't UTF-8 at all are passed as they are.
	 */
	static int utf8Boundary(byte[] bytes, int length) {
		int start = length - 1;
		int continuations = 0;
		while (start >= 0 && continuations < 3 && (bytes[start] & 0xC0) == 0x80) {
			start--;
			continuations++;
		}
		if (start < 0) {
			return length;
		}
		int lead = bytes[start] & 0xFF;
		int size = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
		return start + size > length ? start : length;
	}
}
