-- A host's health, apart from its mode (what an admin wants) and status (whether its agent is heard from): the
-- outcome of its last health check, or of a change in its facts. Hosts start `unknown`: with
-- snplab.health.check-new-hosts they take no job until a check passed (existing hosts too, after this upgrade).
alter table host add column health text not null default 'unknown' check (health in ('unknown', 'good', 'bad'));
alter table host add column health_reason text;
alter table host add column health_checked_at timestamptz;
alter table host add column health_job_id bigint references job (id) on delete set null;
-- A bad host the quarantine cap (snplab.health.max-unhealthy) keeps in service: it takes jobs anyway.
alter table host add column health_kept_in_service boolean not null default false;

-- Each health check: a run of one job pinned to its host. At most one unfinished check per host.
create table health_check (
    job_id       bigint      primary key references job (id) on delete cascade,
    host_id      bigint      not null references host (id) on delete cascade,
    why          text        not null,   -- "new host", "back online", "put back in service", "every 24h", "asked by admin"
    requested_at timestamptz not null
);
create index health_check_host on health_check (host_id, requested_at desc);
