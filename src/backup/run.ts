import { hostname } from "node:os";
import { type KeyRing, lookupKey } from "../config/keys.ts";
import type { Config, Job } from "../config/types.ts";
import { errorMessage } from "../errors.ts";
import { countResults, type JobResult, type RunSummary } from "../report/summary.ts";
import type { BackupStore } from "../store/store.ts";
import { decideDue } from "./due.ts";
import { type Backup, listBackups } from "./inventory.ts";
import { formatBackupTime, nextFreeTime } from "./naming.ts";
import { completeSets } from "./retention.ts";
import { backUpUnit, failed, logResults, skipped } from "./unit.ts";
import type { PrimaryKey } from "./upload.ts";
import { buildUnits, selectUnits, type Unit } from "./units.ts";

/** Where the runner tells people what it does; the report module's logger fits. */
export interface RunLog {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  success(message: string): void;
  debug(message: string): void;
}

export interface RunOptions {
  config: Config;
  store: BackupStore;
  keys: KeyRing;
  log: RunLog;
  now?: () => Date;
  force?: boolean;
  dryRun?: boolean;
  jobs?: string[];
  groups?: string[];
  /** Aborted on SIGINT/SIGTERM: uploads in flight are aborted, units not started are skipped. */
  signal?: AbortSignal;
  /** Told when a job's transfer starts and ends, so callers can watch concurrency. */
  onTransfer?: (event: "start" | "end", job: string) => void;
}

/**
 * One `ssb run`: decides what is due from the backups already in the bucket, backs up
 * due units (parallel ones up to `limits.maxJobs` at once, serial ones alone), prunes each
 * unit right after its upload succeeded, and returns the summary for the reports. It never
 * throws for a job's failure: that becomes a failed result and the other jobs still run.
 */
export async function runBackups(opts: RunOptions): Promise<RunSummary> {
  const clock = opts.now ?? (() => new Date());
  const started = clock();
  const { config, log } = opts;
  const primary: PrimaryKey = {
    kid: opts.keys.primary,
    key: lookupKey(opts.keys, opts.keys.primary)!,
  };

  const broken = {
    jobs: new Set(config.problems.flatMap((p) => (p.job ? [p.job] : []))),
    groups: new Set(config.problems.flatMap((p) => (p.job && p.group ? [p.group] : []))),
  };
  const units = selectUnits(
    buildUnits(config.jobs),
    { jobs: opts.jobs, groups: opts.groups },
    broken,
  );
  const results: JobResult[] = problemResults(opts, broken.jobs);

  const inventory = new Map<string, Backup[] | Error>();
  await forEachLimited(
    units.flatMap((u) => u.jobs),
    4,
    async (job) => {
      inventory.set(job.name, await listBackups(opts.store, job).catch((error: Error) => error));
    },
  );
  const taken = new Set<string>();
  for (const found of inventory.values()) {
    if (Array.isArray(found)) for (const b of found) taken.add(formatBackupTime(b.time));
  }
  const runTime = nextFreeTime(started, taken);

  const due: Unit[] = [];
  for (const unit of units) {
    if (unit.jobs.some((j) => inventory.get(j.name) instanceof Error)) {
      const listingFailed = unit.jobs.map((job) => {
        const own = inventory.get(job.name);
        const why =
          own instanceof Error
            ? errorMessage(own)
            : `not backed up: listing group ${unit.group} failed`;
        return failed(job, 0, why);
      });
      results.push(...logResults(listingFailed, log));
      continue;
    }
    const backups = new Map(unit.jobs.map((j) => [j.name, inventory.get(j.name) as Backup[]]));
    const decision = decideDue({
      frequency: unit.policy.frequency,
      backups: completeTimes(unit, backups),
      now: started,
      timeZone: config.timezone,
      force: opts.force,
    });
    if (decision.due) {
      log.debug(`${unit.name}: due (${decision.reason})`);
      due.push(unit);
    } else {
      log.info(`${unit.name}: not due, ${decision.reason}`);
      results.push(...unit.jobs.map((job) => skipped(job, "not-due", decision.reason)));
    }
  }

  const runUnit = async (unit: Unit) => {
    if (opts.signal?.aborted) {
      results.push(
        ...logResults(
          unit.jobs.map((job) => failed(job, 0, "interrupted before it started")),
          log,
        ),
      );
      return;
    }
    const backups = new Map(unit.jobs.map((j) => [j.name, inventory.get(j.name) as Backup[]]));
    try {
      results.push(...(await backUpUnit(unit, backups, runTime, primary, opts)));
    } catch (error) {
      // backUpUnit turns every expected failure into results; this is the net for the rest.
      results.push(...unit.jobs.map((job) => failed(job, 0, errorMessage(error))));
      log.error(`${unit.name}: failed: ${errorMessage(error)}`);
    }
  };
  const parallel = due.filter((u) => u.policy.parallel);
  const serial = due.filter((u) => !u.policy.parallel);
  await forEachLimited(parallel, config.limits.maxJobs, runUnit);
  for (const unit of serial) await runUnit(unit);

  const finished = clock();
  const order = new Map(config.jobs.map((job, index) => [job.name, index]));
  results.sort((a, b) => (order.get(a.job) ?? -1) - (order.get(b.job) ?? -1));
  return {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    host: hostname(),
    configFile: config.file,
    bucket: config.s3.bucket,
    dryRun: opts.dryRun ?? false,
    jobs: results,
    counts: countResults(results),
  };
}

/**
 * Jobs the config left out because of a problem, as failed results, when the run covers
 * them: no selection, the job named, or its group selected directly or through a member.
 */
function problemResults(opts: RunOptions, brokenJobs: Set<string>): JobResult[] {
  const { problems, jobs } = opts.config;
  const groupOf = new Map<string, string>();
  for (const job of jobs) if (job.group) groupOf.set(job.name, job.group);
  for (const p of problems) if (p.job && p.group) groupOf.set(p.job, p.group);
  const named = opts.jobs ?? [];
  const groups = new Set([...(opts.groups ?? []), ...named.flatMap((n) => groupOf.get(n) ?? [])]);
  const selected = (name: string) =>
    (named.length === 0 && (opts.groups ?? []).length === 0) ||
    named.includes(name) ||
    groups.has(groupOf.get(name) ?? "");

  return [...brokenJobs].filter(selected).map((name) => {
    const messages = problems.filter((p) => p.job === name).map((p) => `${p.path}: ${p.message}`);
    opts.log.error(`${name}: skipped, config problem: ${messages.join("; ")}`);
    return {
      job: name,
      group: groupOf.get(name),
      outcome: "failed" as const,
      durationMs: 0,
      pruned: [],
      error: `config problem in ${opts.config.file}: ${messages.join("; ")}; run \`ssb check\``,
    };
  });
}

/** Times that count for due-ness: every backup of a job, or every complete set of a group. */
function completeTimes(unit: Unit, backups: Map<string, Backup[]>): Date[] {
  if (!unit.group) return (backups.get(unit.jobs[0]!.name) ?? []).map((b) => b.time);
  return completeSets(
    unit.jobs.map((j) => j.name),
    backups,
  ).map((set) => set.time);
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
