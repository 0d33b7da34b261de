import type { Job } from "../config/types.ts";
import type { BackupStore } from "../store/store.ts";
import { listPrefix, parseBackupObjectName } from "./naming.ts";

/** One backup of one job, as found in the bucket. */
export interface Backup {
  key: string;
  time: Date;
  /** Stored (encrypted) size. */
  size: number;
}

/**
 * The job's backups in the bucket, newest first. Only names that are exactly this job's
 * (its prefix, its file name, a valid time) count; anything else under the prefix is
 * someone else's and is never touched.
 */
export async function listBackups(store: BackupStore, job: Job): Promise<Backup[]> {
  const objects = await store.list(listPrefix(job));
  const backups: Backup[] = [];
  for (const object of objects) {
    const time = parseBackupObjectName(job, object.key);
    if (time) backups.push({ key: object.key, time, size: object.size });
  }
  return backups.sort((a, b) => b.time.getTime() - a.time.getTime());
}
