import assert from "node:assert/strict";
import { putBlob, startAzurite } from "../../tests/azurite.ts";
import { configuredContainer, listBlobNames, listBlobPages, readJsonBlob } from "./blob.ts";

Deno.test("blob access on Azurite: read JSON, missing, invalid, BOM, listing", async () => {
  const azurite = await startAzurite();
  try {
    const container = await azurite.container("blob-test");
    await putBlob(container, "sessions/a/transcript.json", { transcript: ["x"] });
    await putBlob(container, "sessions/b/transcript.json", "\uFEFF[1, 2]");
    await putBlob(container, "sessions/c/transcript.json", "{nope");
    await putBlob(container, "other/d.json", "{}");

    assert.deepEqual(await readJsonBlob(container, "sessions/a/transcript.json"), {
      status: "ok",
      doc: { transcript: ["x"] },
    });
    assert.deepEqual(await readJsonBlob(container, "sessions/b/transcript.json"), {
      status: "ok",
      doc: [1, 2],
    });
    const invalid = await readJsonBlob(container, "sessions/c/transcript.json");
    assert.equal(invalid.status, "invalid");
    assert.deepEqual(await readJsonBlob(container, "sessions/zz/transcript.json"), {
      status: "missing",
    });
    const names: string[] = [];
    for await (const name of listBlobNames(container, "sessions/")) names.push(name);
    assert.deepEqual(names, [
      "sessions/a/transcript.json",
      "sessions/b/transcript.json",
      "sessions/c/transcript.json",
    ]);

    // A short first page, then full pages from where it ended: every name once, in order.
    const many = Array.from({ length: 150 }, (_, i) => `many/${String(i).padStart(3, "0")}.json`);
    await Promise.all(many.map((name) => putBlob(container, name, {})));
    const pages: string[][] = [];
    for await (const page of listBlobPages(container, "many/")) pages.push(page);
    assert.deepEqual(pages.map((p) => p.length), [100, 50]);
    assert.deepEqual(pages.flat(), many);
    pages.length = 0;
    for await (const page of listBlobPages(container, "many/", 60)) pages.push(page);
    assert.deepEqual(pages.map((p) => p.length), [60, 60, 30]);
    assert.deepEqual(pages.flat(), many);

    // A container that does not exist reads as missing (the feedback reader's fallback).
    const absent = await azurite.container("never-created", { create: false });
    assert.deepEqual(await readJsonBlob(absent, "sessions/a/transcript.json"), {
      status: "missing",
    });

    const azure = { connectionString: azurite.connectionString, sessionsContainer: "blob-test" };
    assert.equal(configuredContainer(azure), configuredContainer(azure), "one client per process");
    assert.equal(configuredContainer({ connectionString: null, sessionsContainer: "x" }), null);
  } finally {
    await azurite.stop();
  }
});
