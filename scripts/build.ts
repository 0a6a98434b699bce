/** `deno task build` — builds the islands bundle and stylesheet into static/build/. */
import { buildAssets } from "../lib/ui/build.ts";

const assets = await buildAssets();
console.log(`${assets.script}: ${assets.scriptBytes} bytes (${assets.scriptGzipBytes} gzipped)`);
console.log(assets.style);
