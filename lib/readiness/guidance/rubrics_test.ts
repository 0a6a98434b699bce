import assert from "node:assert/strict";
import { nextStepFor, rubricsSchema } from "./rubrics.ts";
import { catalog, rubrics } from "../../../tests/static_config.ts";

Deno.test("the next step comes from the rubric by score", () => {
  assert.match(nextStepFor(rubrics, "structure", 59.99)!, /Announce your structure/);
  assert.match(nextStepFor(rubrics, "structure", 60)!, /one-sentence summary/);
  assert.match(nextStepFor(rubrics, "structure", 100)!, /interrupted/);
  assert.equal(nextStepFor(rubrics, "unknown", 50), null);
  assert.match(nextStepFor(rubrics, "structure", 59.99, "Maya")!, /^Maya should announce the/);
});

Deno.test("rubrics.json is validated: every skill, increasing thresholds, 100 covered", () => {
  const schema = rubricsSchema(catalog.skillTags);
  assert.ok(schema.safeParse(rubrics).success);
  const { structure: _, ...withoutStructure } = rubrics.skills;
  const missing = schema.safeParse({ ...rubrics, skills: withoutStructure });
  assert.equal(missing.success, false);
  assert.deepEqual(missing.error!.issues[0].path, ["skills", "structure"]);
  const unordered = schema.safeParse({
    ...rubrics,
    skills: {
      ...rubrics.skills,
      probe: {
        next_steps: [{ below: 80, text: "ten chars or more", staff: "{name} needs ten chars" }, {
          below: 60,
          text: "ten chars or more",
          staff: "{name} needs ten chars",
        }],
      },
    },
  });
  assert.equal(unordered.success, false);
  assert.match(JSON.stringify(unordered.error!.issues), /must increase/);
  assert.match(JSON.stringify(unordered.error!.issues), /must cover a score of 100/);
});
