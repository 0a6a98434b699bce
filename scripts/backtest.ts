/**
 * `deno task backtest CONFIG.json [--level L] [--track T] [--cohort C] [--from ISO] [--to ISO]` —
 * how a candidate readiness formula would have judged the recorded interview outcomes, beside the
 * current formula, as a table (the same figures as POST /api/admin/formula-backtest). Writes
 * nothing.
 */
import { parseArgs } from "node:util";
import { z } from "@hono/zod-openapi";
import { filterFields, withPeriodCheck } from "../lib/cohorts/mod.ts";
import { loadReadinessConfig } from "../lib/readiness/mod.ts";
import type { Catalog } from "../lib/catalog.ts";
import { type Backtest, backtest, resolveValidityFilters } from "../lib/validity/mod.ts";
import { describeIssues } from "../lib/validation.ts";
import {
  EXIT_OK,
  exitOnHelp,
  openOpsDatabase,
  opsConfig,
  opsStaticConfig,
  runScript,
  UsageError,
} from "./_ops.ts";

const USAGE = "usage: deno task backtest CONFIG.json [--level LEVEL] [--track TRACK] " +
  "[--cohort COHORT] [--from ISO_DATE] [--to ISO_DATE]\n" +
  "  CONFIG.json: a candidate readiness formula, the shape of config/readiness.json.\n" +
  "  The period is on the outcomes' occurred_at; default the 365 days ending now.";
exitOnHelp(USAGE);

/** The filters of the command line, on the catalog's levels. */
function filtersOf(catalog: Catalog) {
  const { format: _format, ...fields } = filterFields(catalog.levels);
  return withPeriodCheck(z.object(fields).strict());
}

/** Parses the command line and reads the candidate; bad arguments or config are a UsageError. */
export async function parseBacktestArgs(args: string[], catalog: Catalog) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        level: { type: "string" },
        track: { type: "string" },
        cohort: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError("give one CONFIG.json");
  const filters = filtersOf(catalog).safeParse(parsed.values);
  if (!filters.success) {
    throw new UsageError(describeIssues(filters.error.issues, { path: "head" }));
  }
  const [file] = parsed.positionals;
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`${file}: not a JSON object`);
  }
  let config;
  try {
    config = loadReadinessConfig(json as Record<string, unknown>);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  return { config, filters: filters.data };
}

const pct = (x: number | null) => x === null ? "—" : `${(x * 100).toFixed(1)} %`;
const ci = (i: [number, number] | null) => i ? ` (${pct(i[0])} to ${pct(i[1])})` : "";
const num = (x: number | null, places = 4) => x === null ? "—" : x.toFixed(places);

/** The backtest as a plain-text table: one row per figure, current beside candidate. */
export function backtestTable(r: Backtest, versions: [string, string]): string {
  const rows: [string, string, string][] = [["", ...versions]];
  const both = (label: string, f: (x: Backtest["current"]) => string) =>
    rows.push([label, f(r.current), f(r.candidate)]);
  both("outcomes", (x) => String(x.outcomes));
  both("paired", (x) => String(x.paired));
  both("unpaired", (x) => String(x.unpaired));
  both("passed / failed", (x) => `${x.passed} / ${x.failed}`);
  both("AUC (95 % CI)", (x) => `${pct(x.auc.value)}${ci(x.auc.ci95)}`);
  both("too few to judge", (x) => x.too_few_to_judge ? "yes" : "no");
  both("logistic slope", (x) => num(x.calibration.slope, 6));
  both("Brier", (x) => num(x.calibration.brier));
  both("Brier, base rate", (x) => num(x.calibration.brier_base_rate));
  const labels = [...new Set([...r.current.bands, ...r.candidate.bands].map((b) => b.band))];
  for (const label of labels) {
    both(`pass rate: ${label}`, (x) => {
      const b = x.bands.find((b) => b.band === label);
      return b && b.outcomes ? `${pct(b.pass_rate)} of ${b.outcomes}${ci(b.ci95)}` : "—";
    });
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) =>
    row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()
  );
  const d = r.auc_difference;
  lines.push(
    "",
    `AUC difference (candidate − current), on ${d.paired} outcomes judged under both: ` +
      `${d.value === null ? "—" : d.value.toFixed(4)}` +
      `${
        d.ci95 ? ` (95 % CI ${d.ci95[0].toFixed(4)} to ${d.ci95[1].toFixed(4)}, paired DeLong)` : ""
      }`,
  );
  return lines.join("\n");
}

async function main(): Promise<number> {
  const settings = opsStaticConfig();
  const readinessConfig = settings.readiness;
  const { config, filters } = await parseBacktestArgs(Deno.args, settings.catalog);
  const db = await openOpsDatabase(opsConfig());
  console.log(`Database: ${db.label}`);
  try {
    const result = await backtest(db.sql, resolveValidityFilters(filters), config, readinessConfig);
    console.log(backtestTable(result, [
      `current (${readinessConfig.formula_version})`,
      `candidate (${config.formula_version})`,
    ]));
    return EXIT_OK;
  } finally {
    await db.close();
  }
}

if (import.meta.main) await runScript("backtest", USAGE, main);
