package org.snplab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.snplab.agent.TestAgents.fastAgent;
import static org.snplab.agent.TestAgents.job;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log chunks through a server that fails some posts: nothing lost, nothing reordered, no seq stored twice. */
class LogStreamerIntegrationTests {

	@TempDir
	Path tmp;

	private final FakeSnplabServer server = new FakeSnplabServer();

	private Agent agent;

	LogStreamerIntegrationTests() throws Exception {
	}

	@AfterEach
	void stop() {
		if (agent != null) {
			agent.stop();
		}
		server.close();
	}

	@Test
	void resentLogChunkKeepsSeqAndOrder() throws Exception {
		GitFixtures.Repo repo = GitFixtures.oneCommit(tmp.resolve("repo"));
		// ~180 KiB of multi-byte text so that size-cut chunks fall inside characters, then a late time-cut one.
		String step = "for i in $(seq 1 3000); do echo \"line-$i grüße €€€ ✓✓✓ xxxxxxxxxxxxxxxxxx\"; done; sleep 0.6;"
				+ " echo tail";
		server.failLogPostOnce(0, false);
		server.failLogPostOnce(1, true);
		server.failLogPostOnce(2, false);
		agent = new Agent(fastAgent(server, tmp.resolve("work")));
		assertThat(agent.start()).isZero();
		server.enqueue(job(10, repo, step));

		assertThat(server.awaitFinish(10, Duration.ofSeconds(60)).result()).isEqualTo("passed");

		String expected = "$ " + step + "\n" + IntStream.rangeClosed(1, 3000)
			.mapToObj(i -> "line-" + i + " grüße €€€ ✓✓✓ xxxxxxxxxxxxxxxxxx\n")
			.collect(Collectors.joining()) + "tail\n";
		assertThat(server.log(10)).isEqualTo(expected);
		List<Long> seqs = server.storedSeqs(10);
		assertThat(seqs).hasSizeGreaterThanOrEqualTo(3)
			.isEqualTo(LongStream.range(0, seqs.size()).boxed().toList());
		assertThat(server.logPosts).filteredOn(FakeSnplabServer.LogPost::failed).hasSize(3);
		// A resent chunk is the same bytes under the same seq, and every chunk is whole UTF-8.
		Map<Long, List<byte[]>> postsBySeq = server.logPosts.stream()
			.collect(Collectors.groupingBy(FakeSnplabServer.LogPost::seq,
					Collectors.mapping(FakeSnplabServer.LogPost::body, Collectors.toList())));
		postsBySeq.forEach((seq, bodies) -> {
			assertThat(bodies).allSatisfy(b -> assertThat(Arrays.equals(b, bodies.get(0))).isTrue());
			assertThat(bodies.get(0).length).isLessThanOrEqualTo(64 * 1024);
			assertThat(isWholeUtf8(bodies.get(0))).as("chunk %d is whole UTF-8", seq).isTrue();
		});
		assertThat(postsBySeq.get(0L)).hasSize(2);
		assertThat(postsBySeq.get(1L)).hasSize(2);
	}

	private static boolean isWholeUtf8(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return true;
		}
		catch (Exception e) {
			return false;
		}
	}
}
