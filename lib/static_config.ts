/**
 * The static configuration of a deployment: every JSON file of config/, read and validated by one
 * explicit call (as `loadConfig` does for the environment) and handed to whoever needs it.
 */
import { type Catalog, loadCatalog } from "./catalog.ts";
import { type AttentionConfig, loadAttentionConfig } from "./cohorts/attention_config.ts";
import { loadReadinessConfig, type ReadinessConfig } from "./readiness/config.ts";
import { loadRubrics, type Rubrics } from "./readiness/guidance/rubrics.ts";

/** config/*.json, validated: the catalog first, since the other files name its skills. */
export interface StaticConfig {
  /** skills.json, pulse_steps.json, levels.json */
  catalog: Catalog;
  /** readiness.json: the formula */
  readiness: ReadinessConfig;
  /** rubrics.json: next steps and the projection's rules */
  rubrics: Rubrics;
  /** attention.json: the "needs attention" thresholds */
  attention: AttentionConfig;
}

/**
 * Reads and validates every file of config/ (or of another config directory); throws an error
 * naming the file and the field at fault.
 */
export function loadStaticConfig(dir?: URL): StaticConfig {
  const catalog = loadCatalog(dir);
  return {
    catalog,
    readiness: loadReadinessConfig(dir, catalog.skillTags),
    rubrics: loadRubrics(dir, catalog.skillTags),
    attention: loadAttentionConfig(dir),
  };
}
