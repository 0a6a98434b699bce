/**
 * The config/*.json of this deployment as module values, loaded once when first imported, for the
 * modules that do not yet take the static config as a parameter. main.ts validates the same files
 * with loadStaticConfig() before it imports them, so a bad file stops start-up with one line.
 */
import { loadStaticConfig } from "./static_config.ts";

export const {
  catalog,
  readiness: readinessConfig,
  rubrics,
  attention: attentionConfig,
} = loadStaticConfig();
