-- Creates (or updates) the application login. Terraform cannot do this step: it needs a SQL
-- connection to the server, which the azurerm provider does not make. An operator runs it
-- as the server administrator, connected to the app's database, once per login and again
-- on every app-password rotation (infra/README.md):
--
--   psql "host=$HOST port=5432 dbname=pulse_analytics user=pulseadmin sslmode=verify-full" \
--     -v app_login=pulse_app_a -v app_password="$APP_PASSWORD" \
--     -f infra/sql/bootstrap_app_login.sql
--
-- What the app gets, and nothing more:
--   * <app_owner_role> (default pulse_app), NOLOGIN, owns schema analytics and, because every
--     login acts as it, every object the migrations create;
--   * CONNECT and TEMPORARY on this database; CREATE on it, because the first migration runs
--     `create schema if not exists analytics`, which PostgreSQL authorizes before it looks
--     whether the schema exists; CREATE on schema public for dbmate's schema_migrations table;
--   * the login (<app_login>) is only a member of <app_owner_role>: no CREATEROLE, no
--     CREATEDB, not azure_pg_admin, no access to other databases' objects.
-- Idempotent: re-running changes nothing but the password.

\set ON_ERROR_STOP on
\if :{?app_owner_role}
\else
  \set app_owner_role pulse_app
\endif
\if :{?app_login}
\else
  do $$ begin raise exception 'set -v app_login=<login> (e.g. pulse_app_a)'; end $$;
\endif
\if :{?app_password}
\else
  do $$ begin raise exception 'set -v app_password=<password> (from the environment, not typed)'; end $$;
\endif

begin;

select format('create role %I nologin', :'app_owner_role')
where not exists (select from pg_roles where rolname = :'app_owner_role') \gexec

-- The administrator must be able to act as the owner role to hand it the schema.
select format('grant %I to current_user', :'app_owner_role')
where not pg_has_role(current_user, :'app_owner_role', 'MEMBER') \gexec

select format('create role %I login', :'app_login')
where not exists (select from pg_roles where rolname = :'app_login') \gexec

alter role :"app_login" with login password :'app_password';

select format('grant %I to %I', :'app_owner_role', :'app_login')
where not pg_has_role(:'app_login', :'app_owner_role', 'MEMBER') \gexec

-- Every session of the login acts as the owner role, so tables created by migrations belong
-- to the role and survive a switch to the other login.
alter role :"app_login" set role = :'app_owner_role';

select format('grant connect, temporary, create on database %I to %I', current_database(), :'app_owner_role') \gexec

select format('grant create on schema public to %I', :'app_owner_role') \gexec

select format('create schema if not exists analytics authorization %I', :'app_owner_role') \gexec

select format('alter schema analytics owner to %I', :'app_owner_role') \gexec

commit;
