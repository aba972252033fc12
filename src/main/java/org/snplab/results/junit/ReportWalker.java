package org.snplab.results.junit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.snplab.results.junit.Frame.Kind;

/** One streaming pass over a report's suites and cases; used for a single parse. */
final class ReportWalker {

	private final XMLStreamReader reader;

	private final ReportErrors errors;

	private final ReportTally tally;

	private final ElementFrames frames;

	private final Deque<Frame> open = new ArrayDeque<>();

	ReportWalker(XMLStreamReader reader, String file, int maxOutputChars) {
		this.reader = reader;
		this.errors = new ReportErrors(file, reader);
		this.tally = new ReportTally(errors);
		this.frames = new ElementFrames(new Attributes(reader, maxOutputChars), errors, tally, maxOutputChars);
	}

	TestReport read() throws XMLStreamException, JunitReportException {
		boolean sawRoot = false;
		while (true) {
			int event = reader.next();
			switch (event) {
				case XMLStreamConstants.DTD -> throw errors.at("DOCTYPE not allowed");
				case XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION,
						XMLStreamConstants.NOTATION_DECLARATION ->
					throw errors.at("entity declarations and references are not allowed");
				case XMLStreamConstants.START_ELEMENT -> {
					sawRoot = true;
					start();
				}
				case XMLStreamConstants.END_ELEMENT -> end();
				case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text();
				case XMLStreamConstants.END_DOCUMENT -> {
					if (!sawRoot) {
						throw errors.at("no root element");
					}
					return tally.report();
				}
				default -> {
					// comments, processing instructions
				}
			}
		}
	}

	/** The open elements, outermost first, naming the test case when inside one; tells where a report broke. */
	String openPath() {
		StringBuilder path = new StringBuilder();
		for (Iterator<Frame> it = open.descendingIterator(); it.hasNext();) {
			Frame frame = it.next();
			if (path.length() > 0) {
				path.append(" > ");
			}
			path.append('<').append(frame.element).append('>');
			if (frame.kind == Kind.CASE && !frame.kase.name.isEmpty()) {
				path.append(" \"").append(BoundedText.truncate(frame.kase.name, 200)).append('"');
			}
		}
		return path.toString();
	}

	private void start() throws JunitReportException {
		if (open.size() >= JunitParser.MAX_DEPTH) {
			throw errors.at("elements nested deeper than " + JunitParser.MAX_DEPTH);
		}
		String element = reader.getLocalName();
		Frame parent = open.peek();
		open.push(parent == null ? frames.root(element) : frames.child(parent, element));
	}

	private void text() {
		Frame frame = open.peek();
		if (frame != null && frame.text != null) {
			frame.text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
		}
	}

	private void end() throws JunitReportException {
		Frame frame = open.pop();
		if (frame.kind == Kind.CASE) {
			tally.addCase(frame.suite, CaseOutcome.of(frame.kase));
		}
		else if (frame.kind == Kind.SUITE || frame.kind == Kind.SUITES) {
			tally.closeSuite(frame.suite);
		}
	}
}
