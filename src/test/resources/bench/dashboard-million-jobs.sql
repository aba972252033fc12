-- Dashboard benchmark data: 200,000 runs x 5 jobs = 1,000,000 jobs on 20 hosts, 4 capability classes,
-- about a year of history (one run every ~2.6 minutes), 500 queued jobs and 20 running ones.
-- Used by MillionJobsBenchmark (see docs/benchmarks.md); also runnable by hand with psql on an empty snplab database.

insert into requirement_set (canonical) values
  ('{"facts":[],"labels":[]}'),
  ('{"facts":[{"fact":"cpu.generation","op":"EQ","values":["milan"]}],"labels":[]}'),
  ('{"facts":[{"fact":"cpu.generation","op":"EQ","values":["genoa"]}],"labels":[]}'),
  ('{"facts":[{"fact":"sev_snp","op":"EQ","values":["true"]}],"labels":["coconut"]}')
on conflict (canonical) do nothing;

insert into host (name, token_hash, enabled, facts, labels, slots)
select 'bench-' || g, md5('bench-host-' || g), true,
       jsonb_build_object('sev_snp', 'true', 'cpu.generation', (array['milan', 'genoa', 'turin'])[1 + g % 3],
                          'snp.firmware', '1.55.' || g, 'kernel.release', '6.11.0-snp', 'qemu.version', '9.1.0'),
       case when g % 2 = 0 then '{"coconut": ""}'::jsonb else '{}'::jsonb end, 2
from generate_series(1, 20) g;

insert into run (repository, ref, commit_sha, trigger, state, created_at, started_at, finished_at)
select case when g % 7 = 0 then 'https://github.com/coconut-svsm/linux' else 'https://github.com/coconut-svsm/svsm' end,
       case when g % 10 = 0 then 'refs/pull/' || (g / 10) || '/head' when g % 10 = 1 then 'release-' || (g % 5) else 'main' end,
       md5(g::text) || substr(md5((g + 1)::text), 1, 8),
       (array['push', 'pull_request', 'schedule', 'api'])[1 + g % 4],
       case when g > 199900 then 'queued' when g % 9 = 0 then 'failed' else 'passed' end,
       now() - make_interval(secs => (200000 - g) * 157),
       now() - make_interval(secs => (200000 - g) * 157 - 5),
       case when g > 199900 then null else now() - make_interval(secs => (200000 - g) * 157 - 900) end
from generate_series(1, 200000) g;

with sets as (select array_agg(id order by id) ids from requirement_set),
     hosts as (select array_agg(id order by id) ids from host where name like 'bench-%')
insert into job (run_id, name, state, result, reason, requires_id, spec, priority, host_id, slot, log_bytes,
                 queued_at, started_at, finished_at)
select r.id, 'job-' || k,
       case when r.state = 'queued' then 'queued' else 'finished' end,
       case when r.state = 'queued' then null when r.state = 'failed' and k = 3 then 'failed' else 'passed' end,
       case when r.state = 'failed' and k = 3 then 'step 2 exited 1' end,
       sets.ids[1 + (r.id + k) % 4], '{}'::jsonb, k % 3,
       case when r.state = 'queued' then null else hosts.ids[1 + (r.id * 5 + k) % 20] end,
       case when r.state = 'queued' then null else 0 end, 0,
       r.created_at, case when r.state = 'queued' then null else r.created_at + make_interval(secs => 10 * k) end,
       case when r.state = 'queued' then null else r.created_at + make_interval(secs => 10 * k + 300 + (r.id % 600)) end
from run r cross join generate_series(1, 5) k cross join sets cross join hosts;

-- 20 of the queued jobs run now, one per host slot 0.
with picked as (select id, row_number() over (order by id) n from job where state = 'queued' order by id limit 20),
     hosts as (select id, row_number() over (order by id) n from host where name like 'bench-%')
update job j set state = 'running', host_id = hosts.id, slot = 1, started_at = now() - interval '3 minutes',
                 lease_until = now() + interval '1 hour'
from picked join hosts on hosts.n = picked.n where j.id = picked.id;
update run set state = 'running' where id in (select run_id from job where state = 'running');

analyze;
