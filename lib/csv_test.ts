import assert from "node:assert/strict";
import { csvCell, csvLine, csvStream, csvText, flatten, wantsCsv } from "./csv.ts";

Deno.test("csv: RFC 4180 quoting, CRLF, UTF-8", async () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvCell("cr\rhere"), '"cr\rhere"');
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
  assert.equal(csvCell(true), "true");
  assert.equal(csvLine(["x", 1, null]), "x,1,\r\n");
  assert.equal(csvText(["a", "b"], [["1", "2"]]), "a,b\r\n1,2\r\n");
  const bytes = new Uint8Array(
    await new Response(csvStream(["name"], [["Zoë ✓"]])).arrayBuffer(),
  );
  assert.deepEqual(bytes, new TextEncoder().encode("name\r\nZoë ✓\r\n"));
});

Deno.test("csv: formula cells made safe; finite numbers stay numbers", () => {
  assert.equal(csvCell("=SUM(A1:A2)"), "'=SUM(A1:A2)");
  assert.equal(csvCell("+1"), "'+1");
  assert.equal(csvCell("-2+3"), "'-2+3");
  assert.equal(csvCell("@cmd"), "'@cmd");
  assert.equal(csvCell("\tx"), "'\tx");
  // A leading CR also needs quotes (it is a line break character).
  assert.equal(csvCell("\rx"), `"'\rx"`);
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvCell(-3.5), "-3.5");
  assert.equal(csvCell(0), "0");
  // A numeric text (as the database writes numerics) is a number; anything more is escaped, as is
  // a non-finite number.
  assert.equal(csvCell("-3.5"), "-3.5");
  assert.equal(csvCell("-3.5+A1"), "'-3.5+A1");
  assert.equal(csvCell(new Date("2026-11-23T10:00:00Z")), "2026-11-23T10:00:00.000Z");
  assert.equal(csvCell(-Infinity), "'-Infinity");
  assert.equal(csvCell("a=b"), "a=b");
});

Deno.test("csv: 100,000 rows stream in chunks, pulled as the reader reads", async () => {
  const ROWS = 100_000;
  let produced = 0;
  async function* rows() {
    for (let i = 0; i < ROWS; i++) {
      produced++;
      yield [i, `learner ${i}`, i % 2 ? -i / 4 : "=x"] as const;
    }
  }
  const reader = csvStream(["i", "name", "value"], rows()).getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.length > 0);
  // The first chunk is out long before the producer has made every row: nothing waits for all.
  assert.ok(produced < ROWS / 10, `only the first chunk's rows are made (${produced})`);
  let chunks = 1;
  let bytes = first.value.length;
  let largest = first.value.length;
  let lines = new TextDecoder().decode(first.value).split("\r\n").length - 1;
  let tail = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    bytes += value.length;
    largest = Math.max(largest, value.length);
    const text = new TextDecoder().decode(value);
    lines += text.split("\r\n").length - 1;
    tail = text;
  }
  assert.equal(produced, ROWS);
  assert.equal(lines, ROWS + 1);
  assert.ok(chunks > 20, `${chunks} chunks`);
  assert.ok(largest < 80 * 1024, `chunks stay small (${largest} bytes of ${bytes})`);
  assert.ok(tail.endsWith("99999,learner 99999,-24999.75\r\n"));
});

Deno.test("csv: cancelling the stream ends the producer; batches flatten", async () => {
  let closed = false;
  async function* batches() {
    try {
      for (let i = 0; i < 1_000_000; i++) yield [[i], [i + 0.5]];
    } finally {
      closed = true;
    }
  }
  const stream = csvStream(["n"], flatten(batches()), { chunkBytes: 16 });
  const reader = stream.getReader();
  // Rows are added until a chunk reaches 16 bytes.
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value), "n\r\n0\r\n0.5\r\n1\r\n1.5\r\n");
  await reader.cancel();
  assert.ok(closed, "the producer's finally ran");
});

Deno.test("csv: asked for by format=csv or an Accept header preferring text/csv", () => {
  assert.equal(wantsCsv("csv", undefined), true);
  assert.equal(wantsCsv("json", "text/csv"), false);
  assert.equal(wantsCsv(undefined, "text/csv"), true);
  assert.equal(wantsCsv(undefined, "text/csv;q=0.5, application/json"), false);
  assert.equal(wantsCsv(undefined, "application/json, text/csv"), true);
  assert.equal(wantsCsv(undefined, "*/*"), false);
  assert.equal(wantsCsv(undefined, "text/csv;q=0"), false);
  assert.equal(wantsCsv(undefined, undefined), false);
});
