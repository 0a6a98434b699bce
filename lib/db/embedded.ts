/**
 * Embedded PGlite database served over the Postgres wire protocol on loopback, so the app,
 * postgres.js and dbmate all talk to it exactly as they would to a server.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite on `dataDir` ("memory://" for a throw-away database) and a socket server for it. */
export async function startEmbedded(dataDir: string): Promise<EmbeddedDatabase> {
  if (!dataDir.startsWith("memory://")) await Deno.mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  // dbmate opens a second connection while migrating; the app itself uses one (postgres.js max: 1).
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
