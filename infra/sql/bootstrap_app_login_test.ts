// The application login's bootstrap and retirement SQL, run with psql the way an operator runs
// them: as a non-superuser administrator (CREATEROLE, like Azure's server administrator), then
// the app's migrations as the application login. Needs PULSE_TEST_DATABASE_URL (a server URL
// with a superuser, to play Azure's part) and psql; skipped otherwise.

import assert from "node:assert/strict";
import { createClient } from "../../lib/db/client.ts";
import { migrateUp } from "../../lib/db/migrate.ts";

const SERVER_URL = Deno.env.get("PULSE_TEST_DATABASE_URL") || null;
const SQL_DIR = import.meta.dirname!;

async function hasPsql(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("psql", { args: ["--version"], stdout: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}

const READY = SERVER_URL !== null && await hasPsql();

function urlFor(user: string, password: string, database: string): string {
  const url = new URL(SERVER_URL!);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  url.pathname = `/${database}`;
  if (!url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  return url.toString();
}

/** Runs one of the SQL files with psql; returns exit code and output. */
async function psqlFile(url: string, file: string, vars: Record<string, string>) {
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", `${SQL_DIR}/${file}`];
  for (const [name, value] of Object.entries(vars)) args.push("-v", `${name}=${value}`);
  const { code, stdout, stderr } = await new Deno.Command("psql", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code, out: dec.decode(stdout) + dec.decode(stderr) };
}

Deno.test({
  name:
    "bootstrap SQL: the app login migrates and runs with least privilege; rotation keeps ownership",
  ignore: !READY,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const id = `${Date.now().toString(36)}${crypto.randomUUID().slice(0, 6)}`.replace(/-/g, "");
    const admin = `t_admin_${id}`;
    const owner = `t_pulse_app_${id}`;
    const loginA = `t_pulse_app_a_${id}`;
    const loginB = `t_pulse_app_b_${id}`;
    const database = `t_bootstrap_${id}`;
    // Passwords with characters that need quoting and URL encoding.
    const adminPassword = `adm'${id}`;
    const passwordA = `a p@ss:'${id}`;
    const passwordB = `b/p%ss"${id}`;

    const root = createClient(SERVER_URL!, { max: 1 });
    try {
      await root.unsafe(
        `create role "${admin}" login createrole password '${adminPassword.replace(/'/g, "''")}'`,
      );
      await root.unsafe(`create database "${database}" owner "${admin}"`);
      const adminUrl = urlFor(admin, adminPassword, database);

      // Missing variables are refused, not half-applied.
      const missing = await psqlFile(adminUrl, "bootstrap_app_login.sql", {
        app_owner_role: owner,
      });
      assert.notEqual(missing.code, 0);
      assert.match(missing.out, /set -v app_login/);

      // First login, twice (idempotent), then the migrations as that login.
      for (let i = 0; i < 2; i++) {
        const run = await psqlFile(adminUrl, "bootstrap_app_login.sql", {
          app_owner_role: owner,
          app_login: loginA,
          app_password: passwordA,
        });
        assert.equal(run.code, 0, run.out);
      }
      const urlA = urlFor(loginA, passwordA, database);
      await migrateUp(urlA, { quiet: true });

      const a = createClient(urlA, { max: 1 });
      try {
        const [who] = await a`select current_user as role, session_user as login`;
        assert.deepEqual({ ...who }, { role: owner, login: loginA });
        const owners = await a<{ owner: string }[]>`
          select distinct pg_get_userbyid(c.relowner) as owner
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'analytics' and c.relkind in ('r', 'p', 'S', 'v', 'i')`;
        assert.deepEqual(
          owners.map((r) => r.owner),
          [owner],
          "analytics objects owned by the group",
        );
        const [schema] = await a`
          select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = 'analytics'`;
        assert.equal(schema.owner, owner);
        const [rights] = await a`
          select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = ${loginA}`;
        assert.deepEqual({ ...rights }, {
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
        });
        await assert.rejects(() => a.unsafe(`create role "x_${id}"`), /permission denied/);
        await assert.rejects(() => a.unsafe(`create database "x_${id}"`), /permission denied/);
      } finally {
        await a.end({ timeout: 5 });
      }

      // Rotation: the second login gets the same rights; migrations are current for it.
      const runB = await psqlFile(adminUrl, "bootstrap_app_login.sql", {
        app_owner_role: owner,
        app_login: loginB,
        app_password: passwordB,
      });
      assert.equal(runB.code, 0, runB.out);
      const urlB = urlFor(loginB, passwordB, database);
      await migrateUp(urlB, { quiet: true });
      const b = createClient(urlB, { max: 1 });
      try {
        const userId = crypto.randomUUID();
        await b`insert into analytics.learners (user_id) values (${userId})`;
        const rows = await b`select user_id from analytics.learners where user_id = ${userId}`;
        assert.equal(rows.length, 1);
      } finally {
        await b.end({ timeout: 5 });
      }

      // Cut-over done: the first login can no longer sign in.
      const retire = await psqlFile(adminUrl, "retire_app_login.sql", { app_login: loginA });
      assert.equal(retire.code, 0, retire.out);
      const stale = createClient(urlA, { max: 1 });
      try {
        await assert.rejects(() => stale`select 1`, /not permitted to log in|password/);
      } finally {
        await stale.end({ timeout: 5 });
      }
    } finally {
      await root.unsafe(`drop database if exists "${database}" with (force)`);
      for (const role of [loginA, loginB, owner, admin]) {
        await root.unsafe(`drop role if exists "${role}"`);
      }
      await root.end({ timeout: 5 });
    }
  },
});
