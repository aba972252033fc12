-- The dashboard: test reports, retention marks, and indexes that keep pages fast with millions of jobs.

-- Set when the retention job deleted the job's log chunks and files; the job record itself stays.
alter table job add column expired_at timestamptz;

-- One parsed JUnit file of a job attempt; a broken file is recorded with its error and no counts.
create table test_report (
    id          bigserial primary key,
    job_id      bigint      not null references job (id) on delete cascade,
    attempt     int         not null,
    file_name   text        not null,
    passed      int         not null default 0,
    failed      int         not null default 0,   -- failures and errors
    skipped     int         not null default 0,
    error       text,
    created_at  timestamptz not null default now(),
    unique (job_id, attempt, file_name)
);

create table test_result (
    report_id   bigint  not null references test_report (id) on delete cascade,
    job_id      bigint  not null references job (id) on delete cascade,
    test        text    not null,   -- class name and test name, the identity across runs
    status      text    not null check (status in ('passed', 'failed', 'errored', 'skipped')),
    flaky       boolean not null default false,   -- the report itself says it passed on a rerun
    seconds     double precision,
    message     text,
    details     text,
    output      text
);
create index test_result_job on test_result (job_id);
-- A test's recent history across runs, newest first.
create index test_result_history on test_result (test, job_id desc);

-- Runs list filters, each walked newest first (keyset on id).
create index run_repository on run (repository, id desc);
create index run_ref on run (ref, id desc);
create index run_state on run (state, id desc);
create index run_trigger on run (trigger, id desc);
create index run_commit on run (commit_sha);

-- Recent durations per capability class, for ETAs.
create index job_finished_by_class on job (requires_id, finished_at desc) where state = 'finished';
-- A host's history and its last 24 hours.
create index job_host_history on job (host_id, id desc);
-- Hosts' last 24 hours, and retention walking finished jobs oldest first.
create index job_finished_at on job (finished_at);
