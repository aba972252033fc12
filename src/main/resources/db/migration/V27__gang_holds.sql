-- A multi-host job (gang) that is first in line but doesn't fit holds the hosts it would use once their running jobs
-- end: the scheduling pass places no other job on them. The hold is bounded (snplab.scheduler.gang-wait, counted
-- from held_since); when it runs out the hosts are released and the gang holds nothing again for another gang-wait
-- after released_at, so holding never starves the lab. One row per gang with queued roles that the pass has seen
-- wait; waiting is why, as the last pass saw it (shown for its roles in the API and on the dashboard).
create table gang_hold (
    run_id      bigint      not null references run (id) on delete cascade,
    gang        text        not null,
    hosts       bigint[]    not null default '{}',
    held_since  timestamptz,
    released_at timestamptz,
    waiting     text,
    primary key (run_id, gang)
);

-- Whether any gang waits to be placed or taken is one probe of this index, so a pass over single jobs only pays
-- nothing more.
create index job_gang_waiting on job (run_id, gang) where gang is not null and state in ('queued', 'assigned');
