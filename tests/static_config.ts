/**
 * The shipped config/*.json for tests, loaded once by the one loader (as main.ts loads it for the
 * server) and handed to the code under test like any caller would.
 */
import { loadStaticConfig, type StaticConfig } from "../lib/static_config.ts";
import { lowSkillRule } from "../lib/sessions/activity.ts";

/** config/*.json as shipped. */
export const shipped: StaticConfig = loadStaticConfig();

/** Its parts, for tests that need one. */
export const {
  catalog,
  readiness: readinessConfig,
  rubrics,
  attention: attentionConfig,
} = shipped;

/** The low-skill rule of the shipped config (the answers' writers keep it). */
export const lowRule = lowSkillRule(shipped);
