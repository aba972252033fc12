-- Hosts that left the lab are removed by an admin but kept, so job history still names them. Their name is free
-- again: an agent registering under it later is a new host.
alter table host add column removed_at timestamptz;
alter table host drop constraint host_name_key;
create unique index host_name_current on host (name) where removed_at is null;
