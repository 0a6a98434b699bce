-- Ends a password rotation: the login the app no longer uses can no longer sign in, and its
-- remaining sessions are closed. Run as the server administrator after every app instance
-- uses the other login (infra/README.md "Rotating the app's password"):
--
--   psql "host=$HOST dbname=pulse_analytics user=pulseadmin sslmode=verify-full" \
--     -v app_login=pulse_app_a -f infra/sql/retire_app_login.sql
--
-- The objects stay with the owner role; the next rotation re-enables this login with a new
-- password through bootstrap_app_login.sql.

\set ON_ERROR_STOP on
\if :{?app_login}
\else
  do $$ begin raise exception 'set -v app_login=<login to retire>'; end $$;
\endif

alter role :"app_login" with nologin password null;

select count(pg_terminate_backend(pid)) as closed_sessions
from pg_stat_activity
where usename = :'app_login';
