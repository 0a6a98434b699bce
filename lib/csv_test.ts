/** CSV cells, lines and the streamed writer. */
import assert from "node:assert/strict";
import { csvCell, csvLine, csvStream } from "./csv.ts";

Deno.test("cells: quoting, formula starts made inert, numbers left alone", () => {
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvCell("=1+2"), "'=1+2");
  assert.equal(csvCell("+cmd"), "'+cmd");
  assert.equal(csvCell("-x"), "'-x");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell("\rx"), '"\'\rx"');
  assert.equal(csvCell('=HYPERLINK("x"),y'), `"'=HYPERLINK(""x""),y"`);
  assert.equal(csvCell(-3.5), "-3.5");
  assert.equal(csvCell("-12.50"), "-12.50");
  assert.equal(csvCell("+7"), "+7");
  assert.equal(csvCell(-Infinity), "'-Infinity");
  assert.equal(csvCell(true), "true");
  assert.equal(csvCell(new Date("2026-11-23T10:00:00Z")), "2026-11-23T10:00:00.000Z");
  assert.equal(csvLine(["a", 1, null, "b,c"]), 'a,1,,"b,c"\r\n');
});

Deno.test("stream: the header, then each chunk; UTF-8; cancelling stops the source", async () => {
  async function* chunks() {
    yield [["Zoë", 1]];
    yield [["b", -2], ["c", 3]];
  }
  const text = await new Response(csvStream(["name", "n"], chunks())).text();
  assert.equal(text, "name,n\r\nZoë,1\r\nb,-2\r\nc,3\r\n");

  let finished = false;
  async function* endless() {
    try {
      for (let i = 0;; i++) yield [[i]];
    } finally {
      finished = true;
    }
  }
  const reader = csvStream(["i"], endless()).getReader();
  await reader.read();
  await reader.read();
  await reader.cancel();
  assert.ok(finished);
});
