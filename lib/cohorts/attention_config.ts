/** config/attention.json: the thresholds of "needs attention" (stalled, declining), validated by zod. */
import { z } from "zod";
import { readConfigFile } from "../config_file.ts";

const score = z.number().min(0).max(100);
const attentionFile = z.object({
  /** Stalled: no answer in this many days before `to` … */
  stalled_days: z.number().int().min(1).max(3650),
  /** … while the latest readiness is below this (or unmeasured). */
  stalled_below: score,
  /** Declining: the latest overall at least this many points below … */
  declining_points: z.number().min(0).max(100),
  /** … the highest overall of this many snapshots before it. */
  declining_lookback: z.number().int().min(1).max(100),
}).strict();

export type AttentionConfig = z.infer<typeof attentionFile>;

/** Loads and validates config/attention.json (or the file in another config directory). */
export function loadAttentionConfig(dir?: URL): AttentionConfig {
  return readConfigFile("attention.json", attentionFile, dir);
}
