import { basename } from "node:path";
import type { Job } from "../config/types.ts";

/**
 * Object names: `<s3KeyPrefix><file name>-<UTC time>.bak.enc`, for example
 * `redis/dump.rdb-2026-12-03T04:00:00Z.bak.enc`. The time in the name is the only
 * place a backup's time is read from, so pruning and due-ness never depend on the
 * store's own modification dates.
 */

type NamedJob = Pick<Job, "path" | "s3KeyPrefix">;

const SUFFIX = ".bak.enc";
const ENCRYPTED_SUFFIX = ".enc";
const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** `2026-12-03T04:00:00Z`: UTC, whole seconds, the form used inside object names. */
export function formatBackupTime(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("cannot name a backup after an invalid date");

  const iso = new Date(ms).toISOString();
  if (!iso.startsWith("-") && !iso.startsWith("+")) return `${iso.slice(0, 19)}Z`;
  throw new RangeError(`cannot name a backup in year ${date.getUTCFullYear()}`);
}

/** Everything a job's object names start with; list the bucket under this. */
export function listPrefix(job: NamedJob): string {
  return `${job.s3KeyPrefix}${basename(job.path)}-`;
}

/** The object name of `job`'s backup taken at `time` (milliseconds are dropped). */
export function backupObjectName(job: NamedJob, time: Date): string {
  return `${listPrefix(job)}${formatBackupTime(time)}${SUFFIX}`;
}

/**
 * The time of a backup of `job`, or undefined when `key` is not one of its backups.
 * Only an exact name counts: another file under the same prefix whose name merely starts
 * with the job's file name (`dump.rdb.old-…`), a damaged stamp, or an impossible date
 * (month 13, 30 February) is left alone, so pruning can never delete it.
 */
export function parseBackupObjectName(job: NamedJob, key: string): Date | undefined {
  const prefix = listPrefix(job);
  if (!key.startsWith(prefix) || !key.endsWith(SUFFIX)) return undefined;

  const stamp = key.slice(prefix.length, key.length - SUFFIX.length);
  const match = STAMP.exec(stamp);
  if (!match) return undefined;

  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
  const time = new Date(0);
  time.setUTCFullYear(year!, month! - 1, day!);
  time.setUTCHours(hour!, minute!, second!, 0);

  // Dates roll month 13 over into the next year; the round trip rejects such names.
  if (Number.isNaN(time.getTime()) || formatBackupTime(time) !== stamp) return undefined;
  return time;
}

/** The name `ssb ls` shows: the object name without its `.enc` suffix. */
export function displayName(key: string): string {
  return key.endsWith(ENCRYPTED_SUFFIX) ? key.slice(0, -ENCRYPTED_SUFFIX.length) : key;
}

/**
 * The first whole second at or after `time` whose formatted time is not in `taken`.
 * Two runs within one second would otherwise write the same object name and the later
 * upload would silently replace the earlier backup.
 */
export function nextFreeTime(time: Date, taken: Set<string>): Date {
  let ms = Math.floor(time.getTime() / 1000) * 1000;
  while (taken.has(formatBackupTime(new Date(ms)))) ms += 1000;
  return new Date(ms);
}
