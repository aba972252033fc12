package org.snplab.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebAnsiHtmlUnitTests {

	@Test
	void htmlInALogBecomesTextBeforeAnyColourIsApplied() {
		String html = AnsiHtml.toHtml("<script>alert('x')</script> & \"q\"\n");

		assertThat(html).isEqualTo("<span class=\"line\" id=\"L1\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</span>");
	}

	@Test
	void sgrColoursBecomeClassesAndResetEndsThem() {
		String html = AnsiHtml.toHtml("\u001B[1;31mFAILED\u001B[0m done\n");

		assertThat(html).isEqualTo("<span class=\"line\" id=\"L1\"><span class=\"fg1 b\">FAILED</span> done</span>");
	}

	@Test
	void colourCarriesOverLinesAndSequencesSplitAcrossChunks() {
		AnsiHtml converter = new AnsiHtml();

		String first = converter.feed("a\u001B[3");
		String second = converter.feed("2mgreen\nstill green\u001B[m\n");

		assertThat(first).isEmpty();
		assertThat(second).isEqualTo("<span class=\"line\" id=\"L1\">a<span class=\"fg2\">green</span></span>"
				+ "<span class=\"line\" id=\"L2\"><span class=\"fg2\">still green</span></span>");
	}

	@Test
	void otherEscapeSequencesAndControlCharactersNeverReachThePage() {
		String html = AnsiHtml.toHtml("50%\r100%\u001B[K\u0007 ok\r\n\u001B[38;5;196mx");

		assertThat(html).isEqualTo("<span class=\"line\" id=\"L1\">100%\uFFFD ok</span><span class=\"line\" id=\"L2\">x</span>");
	}

	@Test
	void aPartialLineIsPreviewedWithoutUsingUpItsNumberOrColour() {
		AnsiHtml converter = new AnsiHtml();

		converter.feed("one\n\u001B[32mprogress 10%");
		String preview = converter.preview();
		String done = converter.feed("\r\u001B[0mprogress 100%\n");

		assertThat(preview).isEqualTo("<span class=\"line\" id=\"L2\"><span class=\"fg2\">progress 10%</span></span>");
		assertThat(done).isEqualTo("<span class=\"line\" id=\"L2\">progress 100%</span>");
		assertThat(converter.preview()).isEmpty();
	}
}
