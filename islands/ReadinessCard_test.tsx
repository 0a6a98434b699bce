import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import ReadinessCard, { formatDelta } from "./ReadinessCard.tsx";

const BANDS = [40, 70, 85];

Deno.test("delta reads to one decimal, as the why-changed sentence, or first snapshot", () => {
  assert.equal(formatDelta(6.2), "+6.2");
  assert.equal(formatDelta(-3.45), "\u22123.5");
  assert.equal(formatDelta(1), "+1");
  assert.equal(formatDelta(1.04), "+1");
  assert.equal(formatDelta(0.4), "+0.4");
  assert.equal(formatDelta(0.01), "+0.01");
  assert.equal(formatDelta(0), "\u00b10");
  assert.equal(formatDelta(null), "first snapshot");
});

Deno.test("the card renders number, band, delta and time in the reader's zone", () => {
  const html = render(
    <ReadinessCard
      overall={71.6}
      band="Nearly Ready"
      delta={-2.5}
      ts="2026-11-20T22:00:00.000Z"
      thresholds={BANDS}
      timeZone="Asia/Kolkata"
    />,
  );
  assert.match(html, /data-testid="readiness-overall" data-value="71.6">72</);
  assert.match(html, /Nearly Ready/);
  assert.match(html, /data-value="-2.5">\u22122.5</);
  assert.match(html, /band-nearly-ready/);
  assert.match(html, /21 Nov 2026, 03:30/);
  // 69.6 is not shown as 70 beside "Developing".
  const below = render(
    <ReadinessCard
      overall={69.6}
      band="Developing"
      delta={null}
      ts="2026-11-20T10:00:00.000Z"
      thresholds={BANDS}
      timeZone="UTC"
    />,
  );
  assert.match(below, />69.6</);
  // No snapshot: one message, no band or delta lines.
  const none = render(
    <ReadinessCard
      overall={null}
      band={null}
      delta={null}
      ts={null}
      thresholds={BANDS}
      timeZone="UTC"
    />,
  );
  assert.equal(none.match(/yet/g)?.length, 1);
  assert.doesNotMatch(none, /readiness-band|readiness-delta/);
});

Deno.test("the card says when readiness was last updated, and when newer answers wait", () => {
  const card = (props: { updatedAt?: string; pending?: boolean }) =>
    render(
      <ReadinessCard
        overall={71.6}
        band="Nearly Ready"
        delta={null}
        ts="2026-11-20T10:00:00.000Z"
        thresholds={BANDS}
        timeZone="UTC"
        {...props}
      />,
    );
  const updated = card({ updatedAt: "2026-11-21T08:30:00.000Z" });
  assert.match(updated, /Updated <time datetime="2026-11-21T08:30:00.000Z">21 Nov 2026, 08:30</);
  assert.doesNotMatch(updated, /being counted/);
  const waiting = card({ updatedAt: "2026-11-21T08:30:00.000Z", pending: true });
  assert.match(waiting, /\(UTC\)<\/span> · newer answers are being counted/);
  const first = render(
    <ReadinessCard
      overall={null}
      band={null}
      delta={null}
      ts={null}
      thresholds={BANDS}
      timeZone="UTC"
      pending
    />,
  );
  assert.match(first, /No readiness score yet\. New answers are being counted\./);
});
