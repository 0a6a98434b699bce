/**
 * Cohort analytics for coaches and admins: the overview, skills, band movement and needs-attention
 * figures of a filtered cohort over a period, and their CSV downloads. Definitions:
 * docs/cohort-analytics.md.
 */
export {
  type CohortFilters,
  cohortLearners,
  DEFAULT_PERIOD_DAYS,
  echo,
  filterFields,
  filterQuery,
  FiltersSchema,
  MAX_PERIOD_DAYS,
  resolveFilters,
  withPeriodCheck,
} from "./filters.ts";
export { cohortOverview, type Overview, overviewCsv, type PeriodFigures } from "./overview.ts";
export { type CohortSkills, cohortSkills, type SkillFigures, skillsCsv } from "./skills.ts";
export {
  type BandCounts,
  bandLabels,
  bandMovement,
  type BandPoint,
  bandsCsv,
  type Bucket,
  NO_SNAPSHOT,
} from "./bands.ts";
export {
  type Attention,
  ATTENTION_CSV_HEADER,
  attentionCsvRows,
  type AttentionCursor,
  cohortAttention,
  decodeCursor,
  DEFAULT_ATTENTION_LIMIT,
  encodeCursor,
  MAX_ATTENTION_LIMIT,
  type Reason,
} from "./attention.ts";
export { type AttentionConfig, loadAttentionConfig } from "./attention_config.ts";
export { type FilterChoices, filterChoices } from "./choices.ts";
export { csvResponse, csvStream, csvText, primed, wantsCsv } from "../csv.ts";
export { mean, sampleSd, tCritical, tInterval95 } from "./stats.ts";
