-- A host whose attempts keep ending in infra_error is taken out of service by snplab itself (quarantined) until an
-- admin puts it back; mode_reason says why, mode_changed_at starts a new count when it is back in service.
alter table host drop constraint host_mode_check;
alter table host add constraint host_mode_check check (mode in ('active', 'draining', 'maintenance', 'quarantined'));
alter table host add column mode_reason text;
alter table host add column mode_changed_at timestamptz not null default now();

-- A host's most recent attempts, for the infra_error streak and the host page.
create index job_attempt_host on job_attempt (host_id, finished_at desc);
