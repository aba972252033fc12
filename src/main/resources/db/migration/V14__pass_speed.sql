-- The pass requeues assignments their slot didn't take in time: read them without walking every running job.
create index job_assigned on job (assigned_at) where state = 'assigned';

-- A slot's row is kept and its deadline moved by each poll: room on each page lets those updates stay in place (HOT).
alter table slot_poll set (fillfactor = 50);
