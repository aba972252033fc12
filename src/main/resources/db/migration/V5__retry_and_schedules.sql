-- Retrying a run's failed jobs, and pipelines started on a schedule.

-- A run made by "retry failed" points at the run whose failed jobs it copied.
alter table run add column retry_of bigint references run (id) on delete set null;

-- When each scheduled pipeline's cron last fired per repository, so a pass fires every cron at most once per due
-- time, and a cron first seen (or a server back from a long outage) doesn't replay every missed firing.
create table pipeline_schedule (
    repository    text        not null,   -- owner/name
    cron          text        not null,   -- Quartz cron expression as written in .snplab.yml
    last_fired_at timestamptz not null,
    primary key (repository, cron)
);
