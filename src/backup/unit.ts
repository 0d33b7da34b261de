import { lookupKey } from "../config/keys.ts";
import type { Job } from "../config/types.ts";
import { errorMessage } from "../errors.ts";
import type { JobResult } from "../report/summary.ts";
import type { Backup } from "./inventory.ts";
import { backupObjectName, displayName, formatBackupTime } from "./naming.ts";
import { planPrune, pruneUnit } from "./prune.ts";
import { completeSets } from "./retention.ts";
import type { RunLog, RunOptions } from "./run.ts";
import { ChangedWhileReadingError } from "./source.ts";
import { type PreparedFile, type PrimaryKey, prepareFile, uploadPrepared } from "./upload.ts";
import type { Unit } from "./units.ts";

/** The newest backup each member would be compared with for onChangeOnly. */
function newestReference(
  unit: Unit,
  backups: Map<string, Backup[]>,
): Map<string, string> | undefined {
  if (!unit.group) {
    const newest = backups.get(unit.jobs[0]!.name)?.[0];
    return newest ? new Map([[unit.jobs[0]!.name, newest.key]]) : undefined;
  }
  return completeSets(
    unit.jobs.map((j) => j.name),
    backups,
  )[0]?.members;
}

/**
 * Backs up every member of a due unit under `runTime`, then prunes if all succeeded.
 * Each member is read twice: once to fingerprint it (onChangeOnly compares that, and the
 * object's metadata carries it), once to upload; the second read must match the first.
 */
export async function backUpUnit(
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

  // --force backs up even an unchanged file: after a key leaked, every job needs a fresh copy.
  const reference =
    unit.policy.onChangeOnly && !opts.force ? newestReference(unit, backups) : undefined;
  const referenceFingerprints = new Map<string, { kid: string; fingerprint: string }>();
  if (reference) {
    for (const [job, key] of reference) {
      const meta = await store.head(key).catch((error) => {
        log.warn(
          `${job}: cannot read the fingerprint of ${key}, backing up anyway: ${errorMessage(error)}`,
        );
        return undefined;
      });
      if (meta?.fingerprint && meta.fingerprintKid) {
        referenceFingerprints.set(job, { kid: meta.fingerprintKid, fingerprint: meta.fingerprint });
      }
    }
  }

  for (const job of unit.jobs) {
    const read = () =>
      prepareFile(job.path, primary, extraKeysFor(job, referenceFingerprints, opts));
    try {
      prepared.set(job.name, await retryIfChanged(job, opts.log, read));
    } catch (error) {
      results.set(job.name, failed(job, Date.now() - startedAt, errorMessage(error)));
    }
  }
  if (results.size > 0) return logResults(withRestOfGroup(unit, results), log);

  if (
    reference &&
    unit.jobs.every((job) => isUnchanged(job, prepared.get(job.name)!, referenceFingerprints))
  ) {
    return logResults(
      unit.jobs.map((job) =>
        skipped(
          job,
          "unchanged",
          `content equals the newest backup ${displayName(reference.get(job.name)!)}`,
        ),
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
      results.set(job.name, {
        ...failed(job, Date.now() - jobStarted, errorMessage(error)),
        objectKey,
      });
      if (unit.group) break;
    } finally {
      opts.onTransfer?.("end", job.name);
    }
  }

  const allUploaded = unit.jobs.every((job) => results.get(job.name)?.outcome === "uploaded");
  if (!allUploaded) {
    if (unit.group)
      log.warn(`group ${unit.group}: set ${formatBackupTime(runTime)} is incomplete; not pruning`);
    return logResults(withRestOfGroup(unit, results), log);
  }

  try {
    const pruned = await pruneUnit(store, unit, new Set(keys.values()));
    for (const [job, keysDeleted] of pruned) results.get(job)!.pruned = keysDeleted;
  } catch (error) {
    for (const result of results.values()) result.error = errorMessage(error);
  }
  return logResults([...results.values()], log);
}

/** The results so far, plus a failure for each member that was not reached because another failed. */
function withRestOfGroup(unit: Unit, results: Map<string, JobResult>): JobResult[] {
  return unit.jobs.map(
    (job) =>
      results.get(job.name) ??
      failed(job, 0, `not backed up: another member of group ${unit.group} failed`),
  );
}

/** Keys needed to compare with the reference backup when it was fingerprinted under another key id. */
function extraKeysFor(
  job: Job,
  references: Map<string, { kid: string }>,
  opts: RunOptions,
): Map<string, Uint8Array> {
  const kid = references.get(job.name)?.kid;
  const key = kid === undefined ? undefined : lookupKey(opts.keys, kid);
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
      signal: opts.signal,
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

export function failed(job: Job, durationMs: number, error: string): JobResult {
  return { job: job.name, group: job.group, outcome: "failed", durationMs, pruned: [], error };
}

export function skipped(job: Job, outcome: "not-due" | "unchanged", reason: string): JobResult {
  return { job: job.name, group: job.group, outcome, durationMs: 0, reason, pruned: [] };
}

/** Tells the operator each result's outcome, one line per job, and hands the results back. */
export function logResults(results: JobResult[], log: RunLog): JobResult[] {
  for (const r of results) {
    if (r.outcome === "failed") log.error(`${r.job}: failed: ${r.error}`);
    else if (r.outcome === "uploaded") {
      log.success(`${r.job}: uploaded ${r.objectKey} (${r.size} bytes)`);
      if (r.pruned.length) log.info(`${r.job}: pruned ${r.pruned.join(", ")}`);
      if (r.error) log.error(`${r.job}: ${r.error}`);
    } else if (r.outcome === "planned") {
      log.info(
        `${r.job}: would upload ${r.objectKey}${r.pruned.length ? `, would prune ${r.pruned.join(", ")}` : ""}`,
      );
    } else log.info(`${r.job}: ${r.outcome}, ${r.reason}`);
  }
  return results;
}
