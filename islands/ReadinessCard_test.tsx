import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import ReadinessCard, { formatDelta } from "./ReadinessCard.tsx";

Deno.test("delta reads as the exact change, or first snapshot", () => {
  assert.equal(formatDelta(6.2, true), "+6.2");
  assert.equal(formatDelta(-3.45, true), "\u22123.45");
  assert.equal(formatDelta(0.01, true), "+0.01");
  assert.equal(formatDelta(0, true), "\u00b10");
  assert.equal(formatDelta(null, true), "first snapshot");
  assert.equal(formatDelta(null, false), "no snapshot yet");
});

Deno.test("the card renders number, band and delta on the server", () => {
  const html = render(
    <ReadinessCard overall={71.6} band="Nearly Ready" delta={-2.5} ts="2026-11-20T10:00:00.000Z" />,
  );
  assert.match(html, /data-testid="readiness-overall">71.6</);
  assert.match(html, /Nearly Ready/);
  assert.match(html, /\u22122.5/);
  assert.match(html, /band-nearly-ready/);
});

Deno.test("the card says when readiness was last updated, and when newer answers wait", () => {
  const updated = render(
    <ReadinessCard
      overall={71.6}
      band="Nearly Ready"
      delta={null}
      ts="2026-11-20T10:00:00.000Z"
      updatedAt="2026-11-21T08:30:00.000Z"
    />,
  );
  assert.match(
    updated,
    /Updated <time datetime="2026-11-21T08:30:00.000Z">Sat, 21 Nov 2026 08:30 UTC</,
  );
  assert.doesNotMatch(updated, /being counted/);
  const waiting = render(
    <ReadinessCard
      overall={71.6}
      band="Nearly Ready"
      delta={null}
      ts="2026-11-20T10:00:00.000Z"
      updatedAt="2026-11-21T08:30:00.000Z"
      pending
    />,
  );
  assert.match(waiting, /08:30 UTC<\/time> · newer answers are being counted/);
  const first = render(
    <ReadinessCard overall={null} band="No snapshot yet" delta={null} ts={null} pending />,
  );
  assert.match(first, /New answers are being counted/);
});
