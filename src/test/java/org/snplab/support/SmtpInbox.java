package org.snplab.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mail server on a loopback port speaking just enough SMTP (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) to accept what
 * Spring Mail sends; it keeps each message as received, headers and body.
 */
public final class SmtpInbox {

	private final ServerSocket socket;

	private final List<String> messages = new CopyOnWriteArrayList<>();

	private SmtpInbox(ServerSocket socket) {
		this.socket = socket;
	}

	public static SmtpInbox start() {
		try {
			SmtpInbox inbox = new SmtpInbox(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()));
			Thread thread = new Thread(inbox::serve, "smtp-inbox");
			thread.setDaemon(true);
			thread.start();
			return inbox;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return socket.getLocalPort();
	}

	/** The messages received, oldest first: headers, a blank line, the body. */
	public List<String> messages() {
		return List.copyOf(messages);
	}

	public void clear() {
		messages.clear();
	}

	private void serve() {
		while (!socket.isClosed()) {
			try (Socket client = socket.accept()) {
				converse(client);
			}
			catch (IOException ex) {
				// the client went away; take the next
			}
		}
	}

	private void converse(Socket client) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
		PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8);
		reply(out, "220 localhost ESMTP test inbox");
		String line;
		while ((line = in.readLine()) != null) {
			String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
			switch (command) {
				case "EHLO", "HELO" -> reply(out, "250 localhost");
				case "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
				case "DATA" -> {
					reply(out, "354 end with <CRLF>.<CRLF>");
					StringBuilder message = new StringBuilder();
					String data;
					while ((data = in.readLine()) != null && !data.equals(".")) {
						message.append(data.startsWith("..") ? data.substring(1) : data).append('\n');
					}
					messages.add(message.toString());
					reply(out, "250 OK queued");
				}
				case "QUIT" -> {
					reply(out, "221 bye");
					return;
				}
				default -> reply(out, "502 not implemented");
			}
		}
	}

	private static void reply(PrintWriter out, String text) {
		out.print(text + "\r\n");
		out.flush();
	}
}
