-- The sections of an attempt's log as its agent reported them with the finish: checkout, caches, each step.
create table job_section (
    job_id      bigint      not null references job (id) on delete cascade,
    attempt     int         not null,
    position    int         not null,
    kind        text        not null check (kind in ('checkout', 'cache', 'step')),
    name        text        not null,
    started_at  timestamptz not null,
    finished_at timestamptz not null,
    exit_code   int,
    failed      boolean     not null,
    -- the byte of the attempt's log the section starts at
    log_offset  bigint      not null,
    primary key (job_id, attempt, position)
);
