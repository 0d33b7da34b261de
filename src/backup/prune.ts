import { errorMessage, SsbError } from "../errors.ts";
import type { BackupStore } from "../store/store.ts";
import { type Backup, listBackups } from "./inventory.ts";
import { buildSets, selectPrune, selectPruneSets } from "./retention.ts";
import type { Unit } from "./units.ts";

/**
 * Which of a unit's backups retention deletes, per job. A job on its own keeps its
 * `retentionCount` newest backups; a group keeps that many complete sets (see
 * selectPruneSets). Keys in `protect` (what this run just wrote) are never chosen.
 */
export function planPrune(
  unit: Unit,
  backupsByJob: Map<string, Backup[]>,
  protect: Set<string>,
): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  const retention = unit.policy.retentionCount;
  if (!unit.group) {
    const job = unit.jobs[0]!;
    const { prune } = selectPrune(backupsByJob.get(job.name) ?? [], retention);
    plan.set(
      job.name,
      prune.map((b) => b.key).filter((key) => !protect.has(key)),
    );
    return plan;
  }

  const members = unit.jobs.map((job) => job.name);
  const sets = buildSets(members, backupsByJob);
  const doomed = new Set(selectPruneSets(sets, members, retention));
  for (const name of members) {
    const keys = (backupsByJob.get(name) ?? [])
      .map((b) => b.key)
      .filter((key) => doomed.has(key) && !protect.has(key));
    plan.set(name, keys);
  }
  return plan;
}

/**
 * Lists the unit's backups afresh and deletes what retention no longer keeps. Called only
 * after the unit's upload succeeded in this run. If a listing fails nothing is deleted;
 * if a delete fails nothing more is deleted and the error names the keys.
 */
export async function pruneUnit(
  store: BackupStore,
  unit: Unit,
  protect: Set<string>,
): Promise<Map<string, string[]>> {
  const backupsByJob = new Map<string, Backup[]>();
  for (const job of unit.jobs) {
    try {
      backupsByJob.set(job.name, await listBackups(store, job));
    } catch (error) {
      throw new SsbError(`Prune of ${unit.name} skipped, nothing deleted: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
  const plan = planPrune(unit, backupsByJob, protect);
  const keys = [...plan.values()].flat();
  if (keys.length === 0) return plan;
  try {
    await store.remove(keys);
  } catch (error) {
    throw new SsbError(
      `Prune of ${unit.name} failed; these backups may still exist: ${keys.join(", ")} (${errorMessage(error)})`,
      { cause: error },
    );
  }
  return plan;
}
