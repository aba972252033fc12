package org.snplab.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Thousands of damaged real pipeline files ({@link PipelineMutations}, seeded): each one parses or is refused with a
 * {@link PipelineException} naming its line; nothing else escapes the parser. A problem of the whole file (empty, too
 * large, nested too deeply, too many aliases) has no line and says so.
 */
class PipelineFuzzUnitTests {

	static final long SEED = 20261202L;

	static final int FILES = 3000;

	private static final Pattern WITH_LINE = Pattern.compile("\\.snplab\\.yml line [1-9]\\d*: \\S.*", Pattern.DOTALL);

	private static final Pattern WHOLE_FILE = Pattern.compile(
			"\\.snplab\\.yml: (the file is empty.*|the file is larger than 256 KiB|the YAML is nested too deeply|too many aliases.*)");

	/** Lines as YAML counts them: besides \n and \r, U+0085, U+2028 and U+2029 end a line too. */
	static long yamlLines(String text) {
		return 1 + BREAK.matcher(text).results().count();
	}

	private static final Pattern BREAK = Pattern.compile("\r\n|[\n\r\u0085\u2028\u2029]");

	@Test
	void everyDamagedFileParsesOrIsRefusedWithItsLineAndNothingElseEscapes() {
		PipelineMutations mutations = new PipelineMutations(SEED);
		List<String> unexplained = new ArrayList<>();
		int parsed = 0;
		int refused = 0;
		for (int i = 0; i < FILES; i++) {
			String file = mutations.next();
			try {
				PipelineParser.parse(file);
				parsed++;
			}
			catch (PipelineException ex) {
				refused++;
				String message = ex.getMessage();
				long lines = yamlLines(file);
				if (!(WITH_LINE.matcher(message).matches() && ex.line() <= lines + 1)
						&& !WHOLE_FILE.matcher(message).matches()) {
					unexplained.add("#" + i + " " + message);
				}
				assertThat(message).as("file #%d", i).doesNotContain("\0").doesNotContain("null:");
			}
			catch (RuntimeException | StackOverflowError ex) {
				throw new AssertionError("file #" + i + " (seed " + SEED + ") escaped the parser with " + ex + ":\n" + file, ex);
			}
		}
		assertThat(unexplained).as("refusals without a line, or with one past the end").isEmpty();
		assertThat(parsed).as("some damage is harmless").isGreaterThan(FILES / 50);
		assertThat(refused).as("most damage is refused").isGreaterThan(FILES / 2);
	}
}
