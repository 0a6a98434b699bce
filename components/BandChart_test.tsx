import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { BandChart, labelledPoints, segmentClass } from "./BandChart.tsx";

Deno.test("date labels: the latest always, evenly spaced, at most the maximum", () => {
  assert.deepEqual([...labelledPoints(5, 4)].sort((a, b) => a - b), [0, 2, 4]);
  assert.deepEqual([...labelledPoints(13, 4)].sort((a, b) => a - b), [0, 4, 8, 12]);
  assert.deepEqual([...labelledPoints(3, 4)].sort((a, b) => a - b), [0, 1, 2]);
  assert.deepEqual([...labelledPoints(1, 4)], [0]);
});

Deno.test("band labels become class names", () => {
  assert.equal(segmentClass("Nearly Ready"), "seg-nearly-ready");
  assert.equal(segmentClass("Insufficient evidence"), "seg-insufficient-evidence");
  assert.equal(segmentClass("none"), "seg-none");
});

Deno.test("bars stand at their time, segments stacked by count, the top labelled", () => {
  const day = 24 * 60 * 60 * 1000;
  const at = (d: number) => new Date(Date.UTC(2026, 10, 1) + d * day).toISOString();
  const html = render(
    <BandChart
      label="bands"
      labels={["Emerging", "Strong", "none"]}
      points={[
        { at: at(0), bands: { Emerging: 3, Strong: 1, none: 1 } },
        { at: at(7), bands: { Emerging: 1, Strong: 4, none: 0 } },
      ]}
    />,
  );
  // Half a step either side: the two bars at 25 % and 75 % of the width.
  assert.match(html, /data-total="5" style="left:25\.000%/);
  assert.match(html, /data-total="5" style="left:75\.000%/);
  assert.match(html, /data-band="Emerging" data-count="3"[^>]*style="height:60\.000%/);
  // A band with nobody has no segment.
  assert.equal(html.match(/data-band="none"/g)?.length, 1);
  assert.match(html, />5<\/span>/);
});
