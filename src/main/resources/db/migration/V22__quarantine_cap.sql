-- Automatic quarantine never takes more than snplab.health.max-unhealthy of the enabled hosts: a host it would have
-- quarantined past that cap stays in service, and says why here (shown in a banner) until its streak ends or an
-- admin acts on it.
alter table host add column quarantine_stopped text;
alter table host add column quarantine_stopped_at timestamptz;
