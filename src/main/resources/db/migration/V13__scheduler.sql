-- The scheduling pass: jobs are assigned to a host's slot by one pass over the fleet, then taken by that slot's poll.

-- Where a run came from decides its jobs' priority class; a pull request's author shares the lab fairly with others.
alter table run add column priority_class text not null default 'api';
alter table run add column author text;
update run set priority_class = case trigger when 'schedule' then 'schedule' when 'api' then 'api' when 'retry' then 'api'
    when 'pull_request' then 'pull-request' else 'push' end;

-- assigned: the pass gave the job to a host's slot; that slot's poll takes it (running) or it goes back to the queue.
alter table job drop constraint job_state_check;
alter table job add constraint job_state_check check (state in ('held', 'queued', 'assigned', 'running', 'finished'));
alter table job add column assigned_at timestamptz;
-- What the job holds on its host while it runs (resources: in .snplab.yml, else the lab's default).
alter table job add column memory_mb bigint not null default 0;
alter table job add column cpus int not null default 0;
-- Copied from the run, so the pass reads the heads of the queue per fair-share group from one index.
alter table job add column priority_class text not null default 'api';
alter table job add column repository text not null default '';
alter table job add column author text;
update job j set priority_class = r.priority_class, repository = r.repository from run r where r.id = j.run_id;
alter table job add column queue_group text generated always as
    (priority_class || chr(31) || repository || chr(31) || coalesce(author, '')) stored;

-- Per requirement set and fair-share group, the queue in priority then age order: the pass reads only the heads.
drop index job_queue;
create index job_queue on job (requires_id, queue_group, priority desc, id) where state = 'queued';
-- One job per host slot, assigned or running: two passes can never give a slot two jobs.
drop index job_slot_busy;
create unique index job_slot_busy on job (host_id, slot) where state in ('assigned', 'running');
create index job_on_host on job (host_id) where state in ('assigned', 'running');

-- When the host was last given a job: among hosts a job fits, the one idle longest gets it.
alter table host add column last_assigned_at timestamptz;

-- Slots whose agent is asking for work right now (a poll arriving or parked, on any server instance). Only these
-- are given jobs, so a job never waits on a host whose agent isn't there to take it.
create table slot_poll (
    host_id     bigint      not null references host (id) on delete cascade,
    slot        int         not null,
    ready_until timestamptz not null,   -- the poll's deadline: a server instance that died leaves no slot ready
    primary key (host_id, slot)
);

-- Recent use of the lab per repository and pull-request author, in host-seconds, as of a time: read decayed by the
-- fair-share half-life.
create table fair_share_usage (
    share        text             primary key,   -- 'repository:<name>' or 'author:<login>'
    host_seconds double precision not null,
    as_of        timestamptz      not null
);
