package org.snplab.github;

import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;

import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.git.GitRepositories;
import org.snplab.pipeline.Pipeline;
import org.snplab.pipeline.PipelineException;
import org.snplab.pipeline.PipelineParser;
import org.snplab.queue.RunService;
import org.snplab.repositories.Repositories;
import org.snplab.repositories.Repository;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pipelines' {@code on.schedule}: runs the {@code .snplab.yml} at the head of each repository's default branch
 * (its first protected branch) when one of its crons is due. Each cron's last firing is kept in
 * {@code pipeline_schedule}; a cron first seen starts counting from then, and one missed many times (an outage)
 * fires once, not once per miss. Crons are read in UTC, the same on every server instance.
 */
@Component
class ScheduledPipelines {

	private static final Logger log = LoggerFactory.getLogger(ScheduledPipelines.class);

	private final Repositories repositories;

	private final GitRepositories git;

	private final RunService runs;

	private final GithubRuns githubRuns;

	private final StatusOutbox statuses;

	private final JdbcClient db;

	private final TransactionTemplate transactions;

	ScheduledPipelines(Repositories repositories, GitRepositories git, RunService runs, GithubRuns githubRuns,
			StatusOutbox statuses, JdbcClient db, TransactionTemplate transactions) {
		this.repositories = repositories;
		this.git = git;
		this.runs = runs;
		this.githubRuns = githubRuns;
		this.statuses = statuses;
		this.db = db;
		this.transactions = transactions;
	}

	/** @return how many runs were queued */
	int fire(Instant now) {
		int queued = 0;
		for (Repository repository : repositories.all()) {
			// A broken repository (unreachable, invalid pipeline) must not keep the others' nightly runs from starting.
			String branch = repository.protectedBranches().get(0);
			try {
				String sha = git.resolve(repository.cloneUrl(), branch);
				Optional<String> text = git.readFile(repository.cloneUrl(), sha, RunStarter.PIPELINE_FILE);
				Pipeline pipeline = text.isPresent() ? PipelineParser.parse(text.get()) : null;
				if (pipeline == null) {
					continue;
				}
				Head head = Head.branchPush(repository, "schedule", sha, branch, null);
				for (String cron : pipeline.on().schedules()) {
					if (Boolean.TRUE.equals(transactions.execute(tx -> fireIfDue(head, cron, pipeline, now)))) {
						queued++;
					}
				}
			}
			catch (PipelineException | RuntimeException ex) {
				log.warn("Scheduled pipelines of {} ({}) skipped this pass: {}", repository.name(), branch, ex.getMessage());
			}
		}
		return queued;
	}

	private boolean fireIfDue(Head head, String cron, Pipeline pipeline, Instant now) {
		String repository = head.repository().name();
		Optional<Instant> last = db.sql("select last_fired_at from pipeline_schedule where repository = ? and cron = ? for update")
			.params(repository, cron)
			.query(Timestamp.class)
			.optional()
			.map(Timestamp::toInstant);
		if (last.isEmpty()) {
			db.sql("insert into pipeline_schedule (repository, cron, last_fired_at) values (?, ?, ?) on conflict do nothing")
				.params(repository, cron, Timestamp.from(now))
				.update();
			return false;
		}
		Date next = expression(cron).getNextValidTimeAfter(Date.from(last.get()));
		if (next == null || next.toInstant().isAfter(now)) {
			return false;
		}
		// Recorded as fired now, not at the missed time: the next pass waits for the next due time after now.
		db.sql("update pipeline_schedule set last_fired_at = ? where repository = ? and cron = ?")
			.params(Timestamp.from(now), repository, cron)
			.update();
		long runId = runs.queue(new RunService.Origin(head.repository().cloneUrl(), head.ref(), head.sha(), "schedule"),
				pipeline);
		githubRuns.insert(runId, head);
		statuses.writeRun(runId);
		log.info("Cron {} of {} was due ({}): queued run {} of {}", cron, repository, next.toInstant(), runId, head.sha());
		return true;
	}

	private static CronExpression expression(String cron) {
		try {
			CronExpression expression = new CronExpression(cron);
			expression.setTimeZone(TimeZone.getTimeZone("UTC"));
			return expression;
		}
		catch (ParseException ex) {
			// The parser validated it already; only reached if Quartz changed its mind.
			throw new IllegalArgumentException("invalid cron `" + cron + "`: " + ex.getMessage(), ex);
		}
	}
}
