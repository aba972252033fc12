package org.snplab.results;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snplab.queue.JobCommits;
import org.snplab.queue.JobCommits.JobCommit;
import org.snplab.queue.TestOutcomes;
import org.snplab.results.junit.JunitParser;
import org.snplab.results.junit.JunitReportException;
import org.snplab.results.junit.TestCase;
import org.snplab.results.junit.TestReport;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Parsed JUnit reports per job: counts and every test case, so pages show failures and a test's history across
 * runs. A broken report is stored with its error; the agent's upload never fails because of its content. Which run and
 * commit a job tested comes from the queue ({@link JobCommits}).
 */
@Service
public class TestReports implements TestOutcomes {

	private static final Logger log = LoggerFactory.getLogger(TestReports.class);

	private final JdbcClient db;

	private final JdbcTemplate jdbc;

	private final JunitParser parser = new JunitParser(50L * 1024 * 1024, 64 * 1024);

	private final JobCommits commits;

	TestReports(JdbcClient db, JdbcTemplate jdbc, JobCommits commits) {
		this.db = db;
		this.jdbc = jdbc;
		this.commits = commits;
	}

	public record Report(long id, int attempt, String fileName, int passed, int failed, int skipped, String error) {
	}

	/**
	 * @param flakyOnCommit the same test passed in another job on the same commit
	 */
	public record Case(String test, String status, boolean flaky, boolean flakyOnCommit, Double seconds, String message,
			String details, String output) {
	}

	public record HistoryEntry(long jobId, long runId, String jobName, String commit, String status, Instant finishedAt) {
	}

	@Transactional
	public Report record(long jobId, int attempt, String fileName, Path file) {
		db.sql("delete from test_report where job_id = ? and attempt = ? and file_name = ?").params(jobId, attempt, fileName).update();
		TestReport report;
		try (InputStream in = Files.newInputStream(file)) {
			report = parser.parse(in, fileName);
		}
		catch (JunitReportException ex) {
			return insert(jobId, attempt, fileName, 0, 0, 0, ex.getMessage());
		}
		catch (Exception ex) {
			log.warn("Could not read JUnit report {} of job {}", fileName, jobId, ex);
			return insert(jobId, attempt, fileName, 0, 0, 0, "could not read the report: " + ex);
		}
		Report saved = insert(jobId, attempt, fileName, report.passed(), report.failures() + report.errors(),
				report.skipped(), null);
		jdbc.batchUpdate("""
				insert into test_result (report_id, job_id, test, status, flaky, seconds, message, details, output)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?)""", report.cases(), 1000, (ps, c) -> {
			ps.setLong(1, saved.id());
			ps.setLong(2, jobId);
			ps.setString(3, identity(c));
			ps.setString(4, c.status().name().toLowerCase());
			ps.setBoolean(5, c.flaky());
			ps.setDouble(6, c.timeSeconds());
			ps.setString(7, c.message());
			ps.setString(8, c.details());
			ps.setString(9, output(c));
		});
		return saved;
	}

	@Override
	public int failedTests(long jobId, int attempt) {
		return db.sql("select coalesce(sum(failed), 0) from test_report where job_id = ? and attempt = ?")
			.params(jobId, attempt)
			.query(Integer.class)
			.single();
	}

	public List<Report> reports(long jobId) {
		return db.sql("select id, attempt, file_name, passed, failed, skipped, error from test_report where job_id = ? order by attempt, file_name")
			.param(jobId)
			.query((rs, i) -> new Report(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
					rs.getInt(6), rs.getString(7)))
			.list();
	}

	/** Failed and errored cases, and those the report itself marks flaky. */
	public List<Case> failing(long jobId) {
		Optional<String> commit = commits.commitOf(jobId);
		if (commit.isEmpty()) {
			return List.of();
		}
		return db.sql("""
				select r.test, r.status, r.flaky,
				       r.status in ('failed', 'errored') and exists (
				         select 1 from test_result p where p.test = r.test and p.status = 'passed' and p.job_id = any(?)),
				       r.seconds, r.message, r.details, r.output
				from test_result r
				where r.job_id = ? and (r.status in ('failed', 'errored') or r.flaky)
				order by r.test limit 500""")
			.params(jobsOn(commit.get()), jobId)
			.query((rs, i) -> new Case(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
					(Double) rs.getObject(5), rs.getString(6), rs.getString(7), rs.getString(8)))
			.list();
	}

	/** The test's latest results across all runs, newest first. */
	public List<HistoryEntry> history(String test, int limit) {
		record Result(long jobId, String status) {
		}
		List<Result> results = db.sql("select job_id, status from test_result where test = ? order by job_id desc limit ?")
			.params(test, limit)
			.query((rs, i) -> new Result(rs.getLong(1), rs.getString(2)))
			.list();
		Map<Long, JobCommit> jobs = commits.of(results.stream().map(Result::jobId).toList());
		return results.stream()
			.filter(r -> jobs.containsKey(r.jobId()))
			.map(r -> {
				JobCommit job = jobs.get(r.jobId());
				return new HistoryEntry(job.jobId(), job.runId(), job.jobName(), job.commit(), r.status(), job.finishedAt());
			})
			.toList();
	}

	/** Whether the test both failed and passed on this commit: then it is flaky, not broken by the commit. */
	public boolean flakyOn(String test, String commit) {
		return db.sql("""
				select count(distinct case when status = 'passed' then 'p' else 'f' end) = 2
				from test_result where test = ? and job_id = any(?) and status <> 'skipped'""")
			.params(test, jobsOn(commit))
			.query(Boolean.class)
			.single();
	}

	/** The jobs of every run of the commit: the test results to compare with. */
	private long[] jobsOn(String commit) {
		return commits.jobsOn(commit).stream().mapToLong(Long::longValue).toArray();
	}

	private Report insert(long jobId, int attempt, String fileName, int passed, int failed, int skipped, String error) {
		long id = db.sql("""
				insert into test_report (job_id, attempt, file_name, passed, failed, skipped, error)
				values (?, ?, ?, ?, ?, ?, ?) returning id""")
			.params(jobId, attempt, fileName, passed, failed, skipped, error)
			.query(Long.class)
			.single();
		return new Report(id, attempt, fileName, passed, failed, skipped, error);
	}

	private static String identity(TestCase c) {
		String owner = c.className().isEmpty() ? c.suite() : c.className();
		return owner.isEmpty() ? c.name() : owner + "." + c.name();
	}

	private static String output(TestCase c) {
		if (c.systemOut() == null && c.systemErr() == null) {
			return null;
		}
		return (c.systemOut() == null ? "" : c.systemOut()) + (c.systemErr() == null ? "" : "\n" + c.systemErr());
	}
}
