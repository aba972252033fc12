package org.snplab.results.junit;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

/** The StAX factory every parse uses: no DTDs, no external entities or resources, text in chunks. */
final class HardenedStax {

	private HardenedStax() {
	}

	static XMLInputFactory newFactory() {
		// the JDK's own implementation, whatever StAX providers are on the class path
		XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
		factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
		factory.setProperty(XMLInputFactory.IS_COALESCING, false);
		// hand long text and CDATA over in chunks instead of one string per section (JDK 9+ property)
		factory.setProperty("jdk.xml.cdataChunkSize", 8192);
		factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
		factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
		factory.setXMLReporter((message, errorType, info, location) -> {
			// errors arrive as exceptions; warnings are of no use here. (One JDK path, a byte that is not valid in
			// the document's encoding, still prints a "[Fatal Error]" line to stderr before throwing.)
		});
		factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
			throw new XMLStreamException("external resource not allowed: " + systemId);
		});
		return factory;
	}
}
