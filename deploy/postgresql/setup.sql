-- PostgreSQL for snplab: the role and the database (Flyway creates the tables at the server's first start).
-- As the postgres user: psql -v password="$(openssl rand -hex 24)" -f setup.sql   (re-running changes nothing
-- but the password). Then put the password into SPRING_DATASOURCE_URL in /etc/snplab/server.env.
\set ON_ERROR_STOP on
select format('create role snplab login password %L', :'password')
 where not exists (select from pg_roles where rolname = 'snplab') \gexec
select format('alter role snplab login password %L', :'password') \gexec
select 'create database snplab owner snplab encoding ''UTF8'' template template0'
 where not exists (select from pg_database where datname = 'snplab') \gexec
-- Nobody but snplab (and superusers) connects; dumps read everything as its owner.
revoke all on database snplab from public;
grant connect, temporary on database snplab to snplab;
