import { SsbError } from "../errors.ts";

/**
 * Retention: which backups to delete so that a job keeps its `retentionCount` newest, or
 * a group keeps that many complete sets. Pure: callers list the bucket and delete.
 */

/** One moment of a group: the object each member wrote with that timestamp. */
export interface BackupSet {
  time: Date;
  /** Job name → object key. */
  members: Map<string, string>;
}

function checkRetentionCount(retentionCount: number): void {
  if (Number.isInteger(retentionCount) && retentionCount >= 1) return;
  throw new SsbError(
    `retentionCount must be a whole number of at least 1, not ${retentionCount}; ` +
      "nothing was pruned. Fix the policy and run `ssb check`",
  );
}

/**
 * Splits one job's backups into the `retentionCount` newest (`keep`, newest first) and
 * the rest (`prune`, oldest first, the order to delete in). With no more backups than
 * `retentionCount` nothing is pruned. A count below 1 throws: keeping nothing would
 * delete the backup just written.
 */
export function selectPrune<T extends { time: Date }>(
  backups: T[],
  retentionCount: number,
): { keep: T[]; prune: T[] } {
  checkRetentionCount(retentionCount);

  const newestFirst = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime());
  return {
    keep: newestFirst.slice(0, retentionCount),
    prune: newestFirst.slice(retentionCount).reverse(),
  };
}

/**
 * Groups the backups of a group's members into sets by identical timestamp, newest set
 * first. A run gives every member of a group the same timestamp, so a set is one run.
 * Backups of jobs not in `groupJobs` are ignored.
 */
export function buildSets(
  groupJobs: string[],
  backupsByJob: Map<string, { time: Date; key: string }[]>,
): BackupSet[] {
  const byTime = new Map<number, BackupSet>();
  for (const job of groupJobs) {
    for (const backup of backupsByJob.get(job) ?? []) {
      const ms = backup.time.getTime();
      let set = byTime.get(ms);
      if (!set) {
        set = { time: new Date(ms), members: new Map() };
        byTime.set(ms, set);
      }
      set.members.set(job, backup.key);
    }
  }
  return [...byTime.values()].sort((a, b) => b.time.getTime() - a.time.getTime());
}

/** A set is complete when every member of the group has a backup in it. */
export function isComplete(set: BackupSet, groupJobs: string[]): boolean {
  return groupJobs.every((job) => set.members.has(job));
}

/** The group's complete sets, newest first: what due-ness, onChangeOnly and restore go by. */
export function completeSets(
  groupJobs: string[],
  backupsByJob: Map<string, { time: Date; key: string }[]>,
): BackupSet[] {
  return buildSets(groupJobs, backupsByJob).filter((set) => isComplete(set, groupJobs));
}

/**
 * The object keys retention deletes from a group, oldest set first. Rules:
 *
 * - Only complete sets count: the `retentionCount` newest complete sets are kept, and
 *   older complete sets are pruned. The newest complete set is therefore never deleted.
 * - An incomplete set newer than the oldest kept complete set is kept: it may be a run
 *   still uploading, or a partial failure someone should look at.
 * - An incomplete set older than the oldest kept complete set is pruned, but only once
 *   `retentionCount` complete sets exist. Until then the older sets are still needed: after
 *   a member joins a group every earlier set is incomplete, and the first complete set
 *   must not wipe out the history of the members that were there before.
 * - With no complete set at all, nothing is pruned.
 */
export function selectPruneSets(
  sets: BackupSet[],
  groupJobs: string[],
  retentionCount: number,
): string[] {
  checkRetentionCount(retentionCount);

  const newestFirst = [...sets].sort((a, b) => b.time.getTime() - a.time.getTime());
  const complete = newestFirst.filter((set) => isComplete(set, groupJobs));
  if (complete.length < retentionCount) return [];

  const oldestKept = complete[retentionCount - 1]!.time.getTime();
  return newestFirst
    .filter((set) => set.time.getTime() < oldestKept)
    .reverse()
    .flatMap((set) => groupJobs.flatMap((job) => set.members.get(job) ?? []));
}
