-- A host reserved for someone (to debug on it, or held after a hold-on-failure job failed): it finishes its running
-- jobs and takes no new one until `reserved_until`, or until released. One reservation per host; a row whose `reserved_until` has
-- passed is no reservation (the server compares it with its clock) and is replaced by the next one.
create table host_reservation (
    host_id     bigint      primary key references host (id) on delete cascade,
    reserved_by text        not null,
    reason      text        not null,
    reserved_until timestamptz not null,
    job_id      bigint      references job (id) on delete set null   -- a hold: the failed job whose workspace is kept
);

-- Who asked for a run made through the API (GitHub runs name their author in github_run): a hold-on-failure
-- reserves the host for them.
alter table run add column requested_by text;

-- Where the agent ran the attempt; shown on the job page of a held job so the failure can be inspected there.
alter table job_attempt add column workspace text;
