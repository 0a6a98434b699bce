/** `deno task build` — builds the islands bundle and stylesheet into static/build/. */
import { buildAssets } from "../lib/ui/build.ts";
import { exitOnHelp } from "./_ops.ts";

exitOnHelp(
  "usage: deno task build\n\nBuilds the islands bundle and the stylesheet into static/build/ " +
    "(the server also builds them at start-up).",
);

const assets = await buildAssets();
console.log(`${assets.script}: ${assets.scriptBytes} bytes (${assets.scriptGzipBytes} gzipped)`);
console.log(assets.style);
