import { hostname } from "node:os";
import type { Config, Job } from "../config/types.ts";
import { errorMessage } from "../errors.ts";
import { countResults, type JobResult, type RunSummary } from "../report/summary.ts";
import type { BackupStore } from "../store/store.ts";
import { decideDue } from "./due.ts";
import { type Backup, listBackups } from "./inventory.ts";
import { backupObjectName, displayName, formatBackupTime, nextFreeTime } from "./naming.ts";
import { planPrune, pruneUnit } from "./prune.ts";
import { buildSets, isComplete } from "./retention.ts";
import { ChangedWhileReadingError } from "./source.ts";
import { type PreparedFile, type PrimaryKey, prepareFile, uploadPrepared } from "./upload.ts";
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
  keys: { primary: string; keys: Map<string, Uint8Array> };
  log: RunLog;
  now?: () => Date;
  force?: boolean;
  dryRun?: boolean;
  jobs?: string[];
  groups?: string[];
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
  const primary: PrimaryKey = { kid: opts.keys.primary, key: opts.keys.keys.get(opts.keys.primary)! };

  const brokenJobs = new Set(config.problems.flatMap((p) => (p.job ? [p.job] : [])));
  const units = selectUnits(buildUnits(config.jobs), { jobs: opts.jobs, groups: opts.groups }, brokenJobs);
  const results: JobResult[] = problemResults(opts, brokenJobs);

  const inventory = new Map<string, Backup[] | Error>();
  await forEachLimited(units.flatMap((u) => u.jobs), 4, async (job) => {
    inventory.set(job.name, await listBackups(opts.store, job).catch((error: Error) => error));
  });
  const taken = new Set<string>();
  for (const found of inventory.values()) {
    if (Array.isArray(found)) for (const b of found) taken.add(formatBackupTime(b.time));
  }
  const runTime = nextFreeTime(started, taken);

  const due: Unit[] = [];
  for (const unit of units) {
    const listingError = unit.jobs.map((j) => inventory.get(j.name)).find((x) => x instanceof Error);
    if (listingError) {
      results.push(...unit.jobs.map((job) => failed(job, 0, errorMessage(listingError))));
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
    const backups = new Map(unit.jobs.map((j) => [j.name, inventory.get(j.name) as Backup[]]));
    results.push(...(await backUpUnit(unit, backups, runTime, primary, opts)));
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

/** Jobs the config left out because of a problem, as failed results (when selected). */
function problemResults(opts: RunOptions, brokenJobs: Set<string>): JobResult[] {
  const selected = (name: string) =>
    (!opts.jobs?.length && !opts.groups?.length) || (opts.jobs ?? []).includes(name);
  return [...brokenJobs].filter(selected).map((name) => {
    const messages = opts.config.problems
      .filter((p) => p.job === name)
      .map((p) => `${p.path}: ${p.message}`);
    opts.log.error(`${name}: skipped, config problem: ${messages.join("; ")}`);
    return {
      job: name,
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
  const members = unit.jobs.map((j) => j.name);
  return buildSets(members, backups)
    .filter((set) => isComplete(set, members))
    .map((set) => set.time);
}

/** The newest backup each member would be compared with for onChangeOnly. */
function newestReference(unit: Unit, backups: Map<string, Backup[]>): Map<string, string> | undefined {
  if (!unit.group) {
    const newest = backups.get(unit.jobs[0]!.name)?.[0];
    return newest ? new Map([[unit.jobs[0]!.name, newest.key]]) : undefined;
  }
  const members = unit.jobs.map((j) => j.name);
  const sets = buildSets(members, backups)
    .filter((set) => isComplete(set, members))
    .sort((a, b) => b.time.getTime() - a.time.getTime());
  return sets[0]?.members;
}

/** Backs up every member of a due unit under `runTime`, then prunes if all succeeded. */
async function backUpUnit(
  unit: Unit,
  backups: Map<string, Backup[]>,
  runTime: Date,
  primary: PrimaryKey,
  opts: RunOptions,
): Promise<JobResult[]> {
  const { log, store } = opts;
  const startedAt = Date.now();
  const prepared = new Map<string, PreparedFile>();
  const results = new Map<string, JobResult>();

  const reference = unit.policy.onChangeOnly ? newestReference(unit, backups) : undefined;
  const referenceFingerprints = new Map<string, { kid: string; fingerprint: string }>();
  if (reference) {
    for (const [job, key] of reference) {
      const meta = await store.head(key).catch((error) => {
        log.warn(`${job}: cannot read the fingerprint of ${key}, backing up anyway: ${errorMessage(error)}`);
        return undefined;
      });
      if (meta?.fingerprint && meta.fingerprintKid) {
        referenceFingerprints.set(job, { kid: meta.fingerprintKid, fingerprint: meta.fingerprint });
      }
    }
  }

  for (const job of unit.jobs) {
    const read = () => prepareFile(job.path, primary, extraKeysFor(job, referenceFingerprints, opts));
    try {
      prepared.set(job.name, await retryIfChanged(job, opts.log, read));
    } catch (error) {
      results.set(job.name, failed(job, Date.now() - startedAt, errorMessage(error)));
    }
  }
  if (results.size > 0) {
    for (const job of unit.jobs) {
      if (!results.has(job.name)) {
        results.set(job.name, failed(job, 0, `not backed up: another member of group ${unit.group} failed`));
      }
    }
    return logResults([...results.values()], log);
  }

  if (reference && unit.jobs.every((job) => isUnchanged(job, prepared.get(job.name)!, referenceFingerprints))) {
    return logResults(
      unit.jobs.map((job) =>
        skipped(job, "unchanged", `content equals the newest backup ${displayName(reference.get(job.name)!)}`),
      ),
      log,
    );
  }

  const keys = new Map(unit.jobs.map((job) => [job.name, backupObjectName(job, runTime)]));
  if (opts.dryRun) {
    const withNew = new Map(
      unit.jobs.map((job) => [
        job.name,
        [{ key: keys.get(job.name)!, time: runTime, size: 0 }, ...(backups.get(job.name) ?? [])],
      ]),
    );
    const wouldPrune = planPrune(unit, withNew, new Set(keys.values()));
    return logResults(
      unit.jobs.map((job) => ({
        job: job.name,
        group: job.group,
        outcome: "planned" as const,
        objectKey: keys.get(job.name),
        size: prepared.get(job.name)!.size,
        durationMs: 0,
        reason: "would be uploaded (dry run)",
        pruned: wouldPrune.get(job.name) ?? [],
      })),
      log,
    );
  }

  for (const job of unit.jobs) {
    const jobStarted = Date.now();
    const objectKey = keys.get(job.name)!;
    opts.onTransfer?.("start", job.name);
    try {
      await uploadWithRetry(job, prepared.get(job.name)!, objectKey, runTime, primary, opts);
      results.set(job.name, {
        job: job.name,
        group: job.group,
        outcome: "uploaded",
        objectKey,
        size: prepared.get(job.name)!.size,
        durationMs: Date.now() - jobStarted,
        pruned: [],
      });
    } catch (error) {
      results.set(job.name, { ...failed(job, Date.now() - jobStarted, errorMessage(error)), objectKey });
      if (unit.group) break;
    } finally {
      opts.onTransfer?.("end", job.name);
    }
  }

  const allUploaded = unit.jobs.every((job) => results.get(job.name)?.outcome === "uploaded");
  if (!allUploaded) {
    for (const job of unit.jobs) {
      if (!results.has(job.name)) {
        results.set(job.name, failed(job, 0, `not backed up: another member of group ${unit.group} failed`));
      }
    }
    if (unit.group) log.warn(`group ${unit.group}: set ${formatBackupTime(runTime)} is incomplete; not pruning`);
    return logResults([...results.values()], log);
  }

  try {
    const pruned = await pruneUnit(store, unit, new Set(keys.values()));
    for (const [job, keysDeleted] of pruned) results.get(job)!.pruned = keysDeleted;
  } catch (error) {
    for (const result of results.values()) result.error = errorMessage(error);
  }
  return logResults([...results.values()], log);
}

/** Keys needed to compare with the reference backup when it was fingerprinted under another key id. */
function extraKeysFor(
  job: Job,
  references: Map<string, { kid: string }>,
  opts: RunOptions,
): Map<string, Uint8Array> {
  const kid = references.get(job.name)?.kid;
  const key = kid === undefined ? undefined : opts.keys.keys.get(kid);
  return kid !== undefined && key ? new Map([[kid, key]]) : new Map();
}

function isUnchanged(
  job: Job,
  file: PreparedFile,
  references: Map<string, { kid: string; fingerprint: string }>,
): boolean {
  const reference = references.get(job.name);
  return reference !== undefined && file.fingerprints.get(reference.kid) === reference.fingerprint;
}

/** Uploads a prepared file; if it changed while being read, reads it again once. */
async function uploadWithRetry(
  job: Job,
  file: PreparedFile,
  objectKey: string,
  runTime: Date,
  primary: PrimaryKey,
  opts: RunOptions,
): Promise<void> {
  const upload = (prepared: PreparedFile) =>
    uploadPrepared({
      store: opts.store,
      file: prepared,
      objectKey,
      primary,
      metadata: { created: runTime.toISOString(), job: job.name, group: job.group },
    });
  let first = true;
  await retryIfChanged(job, opts.log, async () => {
    await upload(first ? file : await prepareFile(job.path, primary));
    first = false;
  });
}

/** Runs `read`, and once more if the file changed while it was being read. */
async function retryIfChanged<T>(job: Job, log: RunLog, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ChangedWhileReadingError)) throw error;
    log.warn(`${job.name}: ${error.message}; trying once more`);
    return read();
  }
}

function failed(job: Job, durationMs: number, error: string): JobResult {
  return { job: job.name, group: job.group, outcome: "failed", durationMs, pruned: [], error };
}

function skipped(job: Job, outcome: "not-due" | "unchanged", reason: string): JobResult {
  return { job: job.name, group: job.group, outcome, durationMs: 0, reason, pruned: [] };
}

function logResults(results: JobResult[], log: RunLog): JobResult[] {
  for (const r of results) {
    if (r.outcome === "failed") log.error(`${r.job}: failed: ${r.error}`);
    else if (r.outcome === "uploaded") {
      log.success(`${r.job}: uploaded ${r.objectKey} (${r.size} bytes)`);
      if (r.pruned.length) log.info(`${r.job}: pruned ${r.pruned.join(", ")}`);
      if (r.error) log.error(`${r.job}: ${r.error}`);
    } else if (r.outcome === "planned") {
      log.info(`${r.job}: would upload ${r.objectKey}${r.pruned.length ? `, would prune ${r.pruned.join(", ")}` : ""}`);
    } else log.info(`${r.job}: ${r.outcome}, ${r.reason}`);
  }
  return results;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
