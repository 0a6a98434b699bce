// What infra/README.md says about sslmode=verify-full, checked against a throwaway PostgreSQL
// server with TLS on and a certificate from a private CA: the app's client (postgres.js on Deno)
// refuses an unknown CA and a wrong host name, trusts a CA given with DENO_CERT, and
// `sslmode=require` would accept anything; dbmate (Go) verifies against the system roots, which
// SSL_CERT_FILE replaces. Needs openssl, initdb and pg_ctl; skipped without them.

import assert from "node:assert/strict";

const REPO_DIR = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const IS_ROOT = Deno.uid() === 0;

async function run(
  cmd: string,
  args: string[],
  options: { asPostgres?: boolean; env?: Record<string, string>; cwd?: string } = {},
) {
  // initdb refuses to run as root: the cluster belongs to an unprivileged user.
  const [exe, argv] = options.asPostgres && IS_ROOT
    ? ["runuser", ["-u", "nobody", "--", cmd, ...args]]
    : [cmd, args];
  const out = await new Deno.Command(exe, {
    args: argv,
    stdout: "piped",
    stderr: "piped",
    env: options.env,
    clearEnv: options.env !== undefined,
    cwd: options.cwd,
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: (dec.decode(out.stdout) + dec.decode(out.stderr)).trim() };
}

async function available(cmd: string, args = ["--version"]): Promise<boolean> {
  try {
    return (await run(cmd, args)).code === 0;
  } catch {
    return false;
  }
}

const READY = await available("openssl", ["version"]) && await available("initdb") &&
  await available("pg_ctl") && (!IS_ROOT || await available("runuser"));

/** The environment of this process without any CA settings, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of ["DENO_CERT", "DENO_TLS_CA_STORE", "SSL_CERT_FILE", "SSL_CERT_DIR"]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** Connects with postgres.js in a fresh Deno process; returns "OK" or the error code. */
async function connectWithApp(url: string, env: Record<string, string>): Promise<string> {
  const script = `
    import postgres from "postgres";
    const sql = postgres(${JSON.stringify(url)}, { connect_timeout: 10, max: 1 });
    try {
      const [row] = await sql\`select ssl from pg_stat_ssl where pid = pg_backend_pid()\`;
      console.log(row.ssl ? "OK" : "NO-TLS");
    } catch (error) {
      console.log(error.code ?? error.message);
    } finally {
      await sql.end({ timeout: 1 });
    }`;
  const { text } = await run(Deno.execPath(), ["eval", script], { env, cwd: REPO_DIR });
  return text.split("\n").at(-1)!;
}

function dbmateBinary(): string {
  return new URL(import.meta.resolve("@dbmate/linux-x64/bin/dbmate")).pathname;
}

Deno.test({
  name:
    "verify-full: postgres.js and dbmate check CA and host name; DENO_CERT / SSL_CERT_FILE add a CA",
  ignore: !READY,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "pulse_tls_" });
    await Deno.chmod(dir, 0o777);
    const data = `${dir}/data`;
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    let started = false;
    try {
      const ssl = (args: string[]) => run("openssl", args, { cwd: dir });
      assert.equal(
        (await ssl([
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "ca.key",
          "-out",
          "ca.pem",
          "-days",
          "2",
          "-subj",
          "/CN=PULSE test root",
        ])).code,
        0,
      );
      for (const [name, host] of [["right", "localhost"], ["wrong", "db.example.test"]]) {
        await Deno.writeTextFile(`${dir}/${name}.cnf`, `subjectAltName=DNS:${host}\n`);
        assert.equal(
          (await ssl([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            `${name}.key`,
            "-out",
            `${name}.csr`,
            "-subj",
            `/CN=${host}`,
          ])).code,
          0,
        );
        assert.equal(
          (await ssl([
            "x509",
            "-req",
            "-in",
            `${name}.csr`,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            `${name}.crt`,
            "-days",
            "2",
            "-extfile",
            `${name}.cnf`,
          ])).code,
          0,
        );
      }
      const init = await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres"], {
        asPostgres: true,
      });
      assert.equal(init.code, 0, init.text);

      // The server presents right.crt (for localhost) or wrong.crt, swapped by a reload.
      const useCert = async (name: string) => {
        for (const ext of ["crt", "key"]) {
          await Deno.copyFile(`${dir}/${name}.${ext}`, `${data}/server.${ext}`);
          await Deno.chmod(`${data}/server.${ext}`, 0o600);
          if (IS_ROOT) await run("chown", ["nobody", `${data}/server.${ext}`]);
        }
      };
      await useCert("right");
      await Deno.writeTextFile(
        `${data}/postgresql.conf`,
        `\nport = ${port}\nlisten_addresses = 'localhost'\nunix_socket_directories = '${dir}'\nssl = on\n`,
        { append: true },
      );
      const start = await run("pg_ctl", ["-D", data, "-l", `${dir}/log`, "-w", "start"], {
        asPostgres: true,
      });
      assert.equal(start.code, 0, start.text);
      started = true;

      const url = (mode: string) =>
        `postgres://postgres@localhost:${port}/postgres?sslmode=${mode}`;
      const withCa = cleanEnv({ DENO_CERT: `${dir}/ca.pem` });

      // The app (postgres.js on Deno)
      assert.equal(
        await connectWithApp(url("verify-full"), cleanEnv()),
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      );
      assert.equal(await connectWithApp(url("verify-full"), withCa), "OK");
      assert.equal(
        await connectWithApp(url("require"), cleanEnv()),
        "OK",
        "require verifies nothing",
      );

      // Migrations (dbmate, Go): system roots, replaced by SSL_CERT_FILE
      const migrations = `${dir}/migrations`;
      await Deno.mkdir(migrations);
      const dbmate = (env: Record<string, string>) =>
        run(dbmateBinary(), [
          "--url",
          url("verify-full"),
          "--migrations-dir",
          migrations,
          "--no-dump-schema",
          "status",
        ], { env });
      assert.match((await dbmate(cleanEnv())).text, /certificate signed by unknown authority/);
      const trusted = await dbmate(cleanEnv({ SSL_CERT_FILE: `${dir}/ca.pem` }));
      assert.equal(trusted.code, 0, trusted.text);

      // A certificate for another host name is refused even from a trusted CA
      await useCert("wrong");
      assert.equal((await run("pg_ctl", ["-D", data, "reload"], { asPostgres: true })).code, 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(
        await connectWithApp(url("verify-full"), withCa),
        "ERR_TLS_CERT_ALTNAME_INVALID",
      );
      assert.match(
        (await dbmate(cleanEnv({ SSL_CERT_FILE: `${dir}/ca.pem` }))).text,
        /certificate is valid for db\.example\.test, not localhost/,
      );
    } finally {
      if (started) {
        await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"], { asPostgres: true });
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
