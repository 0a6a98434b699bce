/**
 * Band counts of a cohort at instants: each learner's latest snapshot strictly before the instant
 * (snapshots are one per learner and time), counted per band label, plus `none` for learners
 * without one.
 * Band movement asks it at `to`, `to` − 7 days, … back to `from`; the overview at `to` and `from`.
 */
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";
import { isCitusOnce } from "../db/citus.ts";
import { Exact } from "../readiness/mod.ts";
import {
  type CohortFilters,
  cohortSize,
  computedOnce,
  inCohort,
  justBefore,
  withWorkMem,
} from "./filters.ts";
import type { ReadinessConfig } from "../readiness/config.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Spacing of the band-movement points. */
export const BUCKET_MS = { week: 7 * DAY_MS, month: 30 * DAY_MS } as const;
export type Bucket = keyof typeof BUCKET_MS;
/** The key counting learners without a snapshot. */
export const NO_SNAPSHOT = "none";

/** Counts per band label: every configured band, insufficient evidence, any other stored, none. */
export type BandCounts = Record<string, number>;

/** One instant's figures: band counts and the mean of the readiness with sufficient evidence. */
export interface BandsAt {
  bands: BandCounts;
  /** Learners whose latest snapshot has sufficient evidence (and an overall). */
  with_readiness: number;
  /** Mean of those learners' overall, exactly, rounded once to 2 places; null when none. */
  mean_readiness: number | null;
}

/** The labels every answer carries, in order: configured bands, insufficient evidence, none. */
export function bandLabels(config: ReadinessConfig): string[] {
  return [
    ...config.bands.map((b) => b.label),
    config.minimum_evidence.label,
    NO_SNAPSHOT,
  ];
}

interface GridRow {
  learners: number;
  k: number | null;
  band: string | null;
  n: number;
  sufficient: number;
  total: string | null;
}

/** Most points asked as one trajectory per learner (see bandGridSql); more go point by point. */
export const TRAJECTORY_POINTS = 12;

/**
 * The statement behind `bandsOnGrid`: per point k (at `to` − k · step, k = 0 … K) and band label,
 * the learners whose latest snapshot before the point has that band. Each learner's snapshots are
 * kept as arrays in time order (learner_latest), so the latest before a point is one binary search
 * (`width_bucket` of the point less a microsecond: the snapshots strictly before it), the points
 * being constants computed in the app. With every learner asked about the statement reads the
 * kept rows alone, in parallel workers.
 *
 * On one server, up to TRAJECTORY_POINTS points: each learner's bands at every point (their
 * trajectory) and evidence are one group key, each search computed once per row (computed_once),
 * so a learner row is hashed once; the few distinct trajectories are then split into the points.
 * Otherwise (more points, or Citus, where the statement uses no function of ours) every learner
 * row is expanded into one row per point.
 */
export function bandGridSql(
  sql: Queryable,
  f: CohortFilters,
  stepMs: number,
  lastK: number,
  /** The statement's Citus shape. */
  citus = false,
) {
  const at = (k: number) => sql`${justBefore(f.to.getTime() - k * stepMs)}::timestamptz`;
  const ks = Array.from({ length: lastK + 1 }, (_, k) => k);
  /** `a, b, c`: the fragments of every point, comma-separated. */
  const each = (part: (k: number) => postgres.PendingQuery<postgres.Row[]>) =>
    ks.map(part).reduce((acc, next) => sql`${acc}, ${next}`);
  /** The column of point k named `name` + k (i0: the position found for point 0). */
  const column = (alias: string, name: string, k: number) => sql.unsafe(`${alias}.${name}${k}`);
  const search = (k: number) => sql`width_bucket(${at(k)}, s.snap_ts)`;
  if (citus || lastK + 1 > TRAJECTORY_POINTS) {
    return gridSql(sql`
    counted as (
      select p.k - 1 as k, s.snap_band[p.i] as band, count(*)::int as n,
             (count(*) filter (where s.snap_sufficient[p.i]))::int as sufficient,
             (sum(s.snap_overall[p.i]) filter (where s.snap_sufficient[p.i]))::text as total
      from analytics.learner_latest s
      cross join lateral unnest(array[${each(search)}]) with ordinality p(i, k)
      where p.i > 0 and ${inCohort(sql, f, "s")}
      group by p.k, s.snap_band[p.i]
    )`);
  }
  const positions = each((k) => sql`${computedOnce(sql, search(k))} as ${sql.unsafe(`i${k}`)}`);
  const bandsAt = each((k) => sql`z.snap_band[${column("z", "i", k)}]`);
  const evidenceAt = each((k) => sql`coalesce(z.snap_sufficient[${column("z", "i", k)}], false)`);
  const overallsAt = each((k) =>
    sql`z.snap_overall[${column("z", "i", k)}] as ${sql.unsafe(`o${k}`)}`
  );
  const totals = each((k) => sql`sum(${column("y", "o", k)})`);
  return gridSql(sql`
    trajectories as (
      -- One group per distinct trajectory: the band and evidence at each point, and the sums of
      -- the overalls at each point (used where the trajectory has evidence there).
      select y.bands, y.sufficient, count(*)::int as n, array[${totals}]::text[] as totals
      from (
        select ${computedOnce(sql, sql`array[${bandsAt}]`)} as bands,
               array[${evidenceAt}] as sufficient, ${overallsAt}
        from (
          select s.snap_band, s.snap_sufficient, s.snap_overall, ${positions}
          from analytics.learner_latest s
          where ${inCohort(sql, f, "s")}
        ) z
      ) y
      group by y.bands, y.sufficient
    ),
    counted as (
      select p.k - 1 as k, t.bands[p.k] as band, sum(t.n)::int as n,
             (sum(t.n) filter (where t.sufficient[p.k]))::int as sufficient,
             (sum(t.totals[p.k]::numeric) filter (where t.sufficient[p.k]))::text as total
      from trajectories t
      cross join generate_series(1, ${lastK + 1}) p(k)
      -- No snapshot before the point: the learner counts as none.
      where t.bands[p.k] is not null
      group by p.k, t.bands[p.k]
    )`);

  /** The statement around `counted` (per point and band): the cohort's size on every row. */
  function gridSql(counted: postgres.PendingQuery<postgres.Row[]>) {
    return sql`
    with ${counted}
    select ${cohortSize(sql, f)} as learners, g.k, g.band,
           coalesce(g.n, 0) as n,
           coalesce(g.sufficient, 0) as sufficient, g.total
    from (select 1) one left join counted g on true`;
  }
}

/** Folds the rows of `bandGridSql` into one `BandsAt` per point k = 0 … lastK. */
export function foldBandGrid(rows: GridRow[], lastK: number, config: ReadinessConfig): BandsAt[] {
  const labels = bandLabels(config);
  const learners = rows[0]?.learners ?? 0;
  const points = Array.from({ length: lastK + 1 }, () => ({
    counts: Object.fromEntries(labels.map((l) => [l, 0])) as BandCounts,
    extra: new Map<string, number>(),
    sufficient: 0,
    total: Exact.ZERO,
    seen: 0,
  }));
  for (const row of rows) {
    if (row.k === null || row.band === null) continue;
    const p = points[row.k];
    if (row.band in p.counts && row.band !== NO_SNAPSHOT) p.counts[row.band] += row.n;
    else p.extra.set(row.band, (p.extra.get(row.band) ?? 0) + row.n);
    p.sufficient += row.sufficient;
    if (row.total !== null) p.total = p.total.plus(row.total);
    p.seen += row.n;
  }
  return points.map((p) => {
    // Labels no longer configured (older snapshots) follow the configured ones, by name.
    const bands: BandCounts = {};
    for (const l of labels.slice(0, -1)) bands[l] = p.counts[l];
    for (const l of [...p.extra.keys()].sort()) bands[l] = p.extra.get(l)!;
    bands[NO_SNAPSHOT] = learners - p.seen;
    return {
      bands,
      with_readiness: p.sufficient,
      mean_readiness: p.sufficient ? p.total.div(p.sufficient).round2() : null,
    };
  });
}

/** Band counts as of `to` − k · step for k = 0 … lastK, in that order (one statement). */
export async function bandsOnGrid(
  sql: Queryable,
  f: CohortFilters,
  stepMs: number,
  lastK: number,
  config: ReadinessConfig,
  /** The statement's Citus shape (default: whether the database is Citus). */
  options: { citus?: boolean } = {},
): Promise<BandsAt[]> {
  const citus = options.citus ?? await isCitusOnce(sql);
  const rows = await withWorkMem(
    sql,
    (tx) => tx<GridRow[]>`${bandGridSql(tx, f, stepMs, lastK, citus)}`,
    { parallel: true },
  );
  return foldBandGrid(rows, lastK, config);
}

/** One point of band movement. */
export interface BandPoint {
  at: string;
  bands: BandCounts;
}

/** The points of band movement: `to`, `to` − step, … while not before `from`, oldest first. */
export function bandPoints(f: CohortFilters, bucket: Bucket): { stepMs: number; at: Date[] } {
  const stepMs = BUCKET_MS[bucket];
  const lastK = Math.floor((f.to.getTime() - f.from.getTime()) / stepMs);
  const at = Array.from({ length: lastK + 1 }, (_, k) => new Date(f.to.getTime() - k * stepMs));
  return { stepMs, at: at.reverse() };
}

/** Band movement: the band counts at each point of `bandPoints`, oldest first. */
export async function bandMovement(
  sql: Queryable,
  f: CohortFilters,
  bucket: Bucket,
  config: ReadinessConfig,
  /** The statement's Citus shape (default: whether the database is Citus). */
  options: { citus?: boolean } = {},
): Promise<BandPoint[]> {
  const { stepMs, at } = bandPoints(f, bucket);
  const grid = await bandsOnGrid(sql, f, stepMs, at.length - 1, config, options);
  // The grid runs from `to` backwards; the points run forwards.
  return at.map((d, i) => ({ at: d.toISOString(), bands: grid[at.length - 1 - i].bands }));
}

/** Band movement as CSV: one row per point, one column per band label. */
export function bandsCsv(points: BandPoint[]): { header: string[]; rows: (string | number)[][] } {
  const labels = [...new Set(points.flatMap((p) => Object.keys(p.bands)))];
  // Keep `none` last even when older labels appear only at some points.
  const ordered = [...labels.filter((l) => l !== NO_SNAPSHOT), NO_SNAPSHOT];
  return {
    header: ["at", ...ordered],
    rows: points.map((p) => [p.at, ...ordered.map((l) => p.bands[l] ?? 0)]),
  };
}
