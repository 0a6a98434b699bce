import assert from "node:assert/strict";
import { componentOf, COMPONENTS, loadReadinessConfig, windowSpec } from "./config.ts";
import { readinessConfig } from "../../tests/static_config.ts";

Deno.test("config/readiness.json: the shipped defaults", () => {
  assert.equal(readinessConfig.readiness_window, "last_5_sessions");
  assert.deepEqual(
    COMPONENTS.map((c) => readinessConfig.components[c].weight),
    [0.3, 0.3, 0.2, 0.2],
  );
  assert.deepEqual(readinessConfig.bands.map((b) => [b.min, b.label]), [
    [0, "Emerging"],
    [40, "Developing"],
    [70, "Nearly Ready"],
    [85, "Strong"],
  ]);
  assert.deepEqual(readinessConfig.low_skill, { threshold: 60, sessions: 3 });
  assert.deepEqual(windowSpec(readinessConfig, "14d"), { key: "14d", kind: "days", size: 14 });
  assert.equal(componentOf(readinessConfig, "probe"), "technical");
  assert.equal(componentOf(readinessConfig, "behavioral_examples"), "behavioral");
});

Deno.test("config: invalid readiness configs are refused with the field at fault", () => {
  const base = readinessConfig;
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["weights not summing to 1", {
      ...base,
      components: { ...base.components, structure: { ...base.components.structure, weight: 0.3 } },
    }, /components weights must sum to 1 \(they sum to 1.1/],
    ["unknown skill", {
      ...base,
      components: {
        ...base.components,
        structure: { ...base.components.structure, skills: ["charisma"] },
      },
    }, /components.structure.skills.0 unknown skill tag 'charisma'; allowed: communication/],
    ["skill in two components", {
      ...base,
      components: {
        ...base.components,
        structure: { ...base.components.structure, skills: ["structure", "probe"] },
      },
    }, /'probe' already belongs to technical/],
    ["missing component", {
      ...base,
      components: { ...base.components, behavioral: undefined },
    }, /components.behavioral/],
    ["extra component", {
      ...base,
      components: { ...base.components, charm: base.components.structure },
    }, /charm/],
    [
      "readiness window not configured",
      { ...base, readiness_window: "last_3_sessions" },
      /readiness_window 'last_3_sessions' is not a configured window/,
    ],
    ["duplicate window", {
      ...base,
      windows: [...base.windows, { key: "7d", kind: "days", size: 7 }],
    }, /duplicate window '7d'/],
    ["window kind", {
      ...base,
      windows: [{ key: "last_week", kind: "weeks", size: 1 }],
    }, /windows.0.kind/],
    ["bands not increasing", {
      ...base,
      bands: [{ min: 0, label: "A" }, { min: 50, label: "B" }, { min: 50, label: "C" }],
    }, /bands.2.min band thresholds must increase/],
    ["first band above 0", { ...base, bands: [{ min: 10, label: "A" }] }, /bands.0.min/],
    ["band named like insufficient evidence", {
      ...base,
      bands: [{ min: 0, label: "Insufficient evidence" }],
    }, /insufficient-evidence label/],
    [
      "threshold above 100",
      { ...base, low_skill: { threshold: 101, sessions: 3 } },
      /low_skill.threshold/,
    ],
    ["unknown field", { ...base, magic: 42 }, /magic|Unrecognized/],
  ];
  for (const [name, raw, pattern] of bad) {
    assert.throws(() => loadReadinessConfig(raw), pattern, name);
  }
});

Deno.test("config: loads readiness.json from another directory and names the file on errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const url = new URL(`file://${dir}/`);
    await Deno.writeTextFile(
      `${dir}/readiness.json`,
      JSON.stringify({ ...readinessConfig, formula_version: "from-dir" }),
    );
    assert.equal(loadReadinessConfig(url).formula_version, "from-dir");
    await Deno.writeTextFile(
      `${dir}/readiness.json`,
      JSON.stringify({ ...readinessConfig, bands: [] }),
    );
    assert.throws(() => loadReadinessConfig(url), /config\/readiness.json: bands/);
    await Deno.writeTextFile(`${dir}/readiness.json`, "{ nope");
    assert.throws(() => loadReadinessConfig(url), /config\/readiness.json: cannot read JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
