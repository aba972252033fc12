package org.snplab.results.junit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read and fails once more than {@code maxBytes} have been read. Does not close the source. */
final class LimitedInputStream extends FilterInputStream {

	static final class LimitExceededException extends IOException {

		private static final long serialVersionUID = 1L;

		LimitExceededException(long maxBytes) {
			super("input is larger than the limit of " + maxBytes + " bytes");
		}
	}

	private final long maxBytes;

	private long count;

	private boolean exceeded;

	LimitedInputStream(InputStream in, long maxBytes) {
		super(in);
		this.maxBytes = maxBytes;
	}

	boolean exceeded() {
		return exceeded;
	}

	long maxBytes() {
		return maxBytes;
	}

	@Override
	public int read() throws IOException {
		check(0);
		int b = super.read();
		if (b >= 0) {
			check(1);
		}
		return b;
	}

	@Override
	public int read(byte[] buf, int off, int len) throws IOException {
		check(0);
		// never ask for more than one byte past the limit, so an oversized input is noticed without reading it all
		long allowed = maxBytes - count + 1;
		int n = super.read(buf, off, (int) Math.min(len, allowed));
		if (n > 0) {
			check(n);
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		check(0);
		long skipped = super.skip(Math.min(n, maxBytes - count + 1));
		check(Math.max(0, skipped));
		return skipped;
	}

	@Override
	public void close() {
		// the caller owns the source stream
	}

	@Override
	public boolean markSupported() {
		return false;
	}

	private void check(long n) throws LimitExceededException {
		count += n;
		if (exceeded || count > maxBytes) {
			exceeded = true;
			throw new LimitExceededException(maxBytes);
		}
	}
}
