package org.snplab.queue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snplab.InvalidInputException;
import org.snplab.hosts.Host;
import org.snplab.protocol.AgentProtocol.Section;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The sections of each attempt's log (checkout, caches, each step) with their times and exit codes, as the agent
 * reports them with the finish; read by the job page, the run page and the job's JSON.
 */
@Service
public class JobSections {

	private static final Set<String> KINDS = Set.of("checkout", "cache", "step");

	private static final int MAX_SECTIONS = 1000;

	private static final int MAX_NAME = 4000;

	private final JdbcClient db;

	JobSections(JdbcClient db) {
		this.db = db;
	}

	/**
	 * A section of a job's log: its place, kind ({@code checkout}, {@code cache}, {@code step}), name (a step's
	 * command), times, a step's exit code, whether it failed, and the log byte it starts at.
	 */
	public record StepView(int attempt, int position, String kind, String name, Instant startedAt, Instant finishedAt,
			Integer exitCode, boolean failed, long logOffset) {
	}

	/** Refuses what no agent sends (400 naming the section), before the finish changes anything. */
	static void check(List<Section> sections) {
		if (sections.size() > MAX_SECTIONS) {
			throw new InvalidInputException("at most " + MAX_SECTIONS + " sections, got " + sections.size());
		}
		for (int i = 0; i < sections.size(); i++) {
			Section s = sections.get(i);
			String where = "sections[" + i + "]";
			if (s == null || s.kind() == null || !KINDS.contains(s.kind())) {
				throw new InvalidInputException(where + ".kind must be checkout, cache or step");
			}
			if (s.name() == null || s.name().length() > MAX_NAME || s.name().indexOf('\0') >= 0) {
				throw new InvalidInputException(where + ".name must be text of at most " + MAX_NAME + " characters");
			}
			if (s.startedAt() == null || s.finishedAt() == null || s.finishedAt().isBefore(s.startedAt())) {
				throw new InvalidInputException(where + " needs startedAt and a finishedAt not before it");
			}
			if (s.logOffset() < 0) {
				throw new InvalidInputException(where + ".logOffset must not be negative");
			}
		}
	}

	/** Keeps the sections of the attempt if it is still this host's running one; a repeated finish changes nothing. */
	void record(long jobId, int attempt, Host host, List<Section> sections) {
		boolean running = db.sql("select count(*) from job where id = ? and attempt = ? and host_id = ? and state = 'running'")
			.params(jobId, attempt, host.id())
			.query(Integer.class)
			.single() > 0;
		if (!running) {
			return;
		}
		db.sql("delete from job_section where job_id = ? and attempt = ?").params(jobId, attempt).update();
		for (int i = 0; i < sections.size(); i++) {
			Section s = sections.get(i);
			db.sql("""
					insert into job_section (job_id, attempt, position, kind, name, started_at, finished_at, exit_code,
					  failed, log_offset)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
				.params(jobId, attempt, i, s.kind(), s.name(), java.sql.Timestamp.from(s.startedAt()),
						java.sql.Timestamp.from(s.finishedAt()), s.exitCode(), s.failed(), s.logOffset())
				.update();
		}
	}

	/** The sections of one attempt, in order. */
	public List<StepView> of(long jobId, int attempt) {
		return db.sql("select " + COLUMNS + " from job_section where job_id = ? and attempt = ? order by position")
			.params(jobId, attempt)
			.query((rs, i) -> view(rs))
			.list();
	}

	/** The sections of each job's current attempt in a run, by job id. */
	Map<Long, List<StepView>> ofRun(long runId) {
		Map<Long, List<StepView>> byJob = new LinkedHashMap<>();
		db.sql("""
				select s.job_id, s.attempt, s.position, s.kind, s.name, s.started_at, s.finished_at, s.exit_code, s.failed,
				  s.log_offset
				from job_section s join job j on j.id = s.job_id and j.attempt = s.attempt
				where j.run_id = ? order by s.job_id, s.position""")
			.param(runId)
			.query((rs, i) -> byJob.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(view(rs, 1)))
			.list();
		return byJob;
	}

	private static final String COLUMNS = "attempt, position, kind, name, started_at, finished_at, exit_code, failed, log_offset";

	private static StepView view(ResultSet rs) throws SQLException {
		return view(rs, 0);
	}

	private static StepView view(ResultSet rs, int skip) throws SQLException {
		return new StepView(rs.getInt(skip + 1), rs.getInt(skip + 2), rs.getString(skip + 3), rs.getString(skip + 4),
				rs.getTimestamp(skip + 5).toInstant(), rs.getTimestamp(skip + 6).toInstant(), (Integer) rs.getObject(skip + 7),
				rs.getBoolean(skip + 8), rs.getLong(skip + 9));
	}
}
