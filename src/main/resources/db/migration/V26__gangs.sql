-- Multi-host jobs (gangs). A pipeline job with roles becomes one job per role, named <gang>/<role>
-- (live-migration/source); gang is the pipeline job's name, role the role's. The roles of a gang are placed,
-- retried and canceled together, so they always share one attempt number: a rendezvous between them is scoped to
-- (run_id, gang, attempt). Single-host jobs have neither.
alter table job add column gang text;
alter table job add column role text;
alter table job add constraint job_gang_role check ((gang is null) = (role is null));
create index job_gang on job (run_id, gang) where gang is not null;

-- The address a host's agent reports for itself (agent --address, default its primary IP): a gang's roles reach
-- each other there (SNPLAB_HOST_<ROLE>).
alter table host add column address text;
