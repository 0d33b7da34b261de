import type { Config } from "../config/types.ts";
import { ConfigError } from "../errors.ts";
import type { BackupStore } from "../store/store.ts";
import { type Backup, listBackups } from "./inventory.ts";
import { displayName, formatBackupTime } from "./naming.ts";
import { buildSets, isComplete } from "./retention.ts";
import { buildUnits } from "./units.ts";
import { readKeyId } from "../crypto/detect.ts";
import { formatBytes } from "../report/format.ts";

export interface CatalogBackup {
  /** Object name without `.enc`, as people see it. */
  name: string;
  key: string;
  time: string;
  /** Stored (encrypted) size in bytes. */
  size: number;
  /** Id of the key it was encrypted with, from its metadata; absent for older objects. */
  keyId?: string;
}

export interface CatalogJob {
  job: string;
  group?: string;
  path: string;
  backups: CatalogBackup[];
}

export interface CatalogSet {
  time: string;
  complete: boolean;
  /** Member job → object name, for the members this set has. */
  members: Record<string, string>;
}

export interface CatalogGroup {
  group: string;
  jobs: string[];
  sets: CatalogSet[];
}

/** What `ssb ls` shows: every job's backups and every group's sets, newest first. */
export interface Catalog {
  bucket: string;
  jobs: CatalogJob[];
  groups: CatalogGroup[];
}

/** Lists the backups of every job, or of one job or group when `only` names it. */
export async function listCatalog(
  store: BackupStore,
  config: Config,
  only?: string,
): Promise<Catalog> {
  let units = buildUnits(config.jobs);
  if (only) {
    units = units.filter((u) => u.group === only || u.jobs.some((j) => j.name === only));
    if (units.length === 0) {
      const names = config.jobs.map((j) => j.name).join(", ") || "none";
      throw new ConfigError(`No job or group named "${only}" in ${config.file}; jobs: ${names}`);
    }
  }
  const catalog: Catalog = { bucket: config.s3.bucket, jobs: [], groups: [] };
  for (const unit of units) {
    // A job named on its own shows that job (and its group's sets); a group shows every member.
    const jobs =
      !only || unit.group === only ? unit.jobs : unit.jobs.filter((j) => j.name === only);
    const backups = new Map<string, Backup[]>();
    for (const job of unit.jobs) {
      const found = await listBackups(store, job);
      backups.set(job.name, found);
      if (!jobs.includes(job)) continue;
      catalog.jobs.push({
        job: job.name,
        group: job.group,
        path: job.path,
        backups: await describe(store, found),
      });
    }
    if (unit.group) {
      const members = unit.jobs.map((j) => j.name);
      const sets = buildSets(members, backups).sort((a, b) => b.time.getTime() - a.time.getTime());
      catalog.groups.push({
        group: unit.group,
        jobs: members,
        sets: sets.map((set) => ({
          time: formatBackupTime(set.time),
          complete: isComplete(set, members),
          members: Object.fromEntries(
            [...set.members].map(([job, key]) => [job, displayName(key)]),
          ),
        })),
      });
    }
  }
  return catalog;
}

/**
 * The backups as `ssb ls` shows them, with the key id each was encrypted under, so an
 * operator can tell when an old key is no longer needed. One metadata request per backup,
 * a few at a time; an object without the key id in its metadata (written by the earlier
 * tool) is asked for its first bytes, which name it. A backup whose key id cannot be read
 * (deleted meanwhile, not readable) shows none rather than failing the listing.
 */
async function describe(store: BackupStore, backups: Backup[]): Promise<CatalogBackup[]> {
  const out: CatalogBackup[] = backups.map((b) => ({
    name: displayName(b.key),
    key: b.key,
    time: formatBackupTime(b.time),
    size: b.size,
  }));
  let next = 0;
  const lane = async () => {
    while (next < out.length) {
      const entry = out[next++]!;
      const kid = await keyIdOf(store, entry.key).catch(() => undefined);
      if (kid) entry.keyId = kid;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return out;
}

async function keyIdOf(store: BackupStore, key: string): Promise<string | undefined> {
  const { kid } = await store.head(key);
  return kid ?? readKeyId(await store.readStart(key, 260));
}

/** The catalog as aligned text for a terminal. */
export function formatCatalog(catalog: Catalog): string {
  const lines: string[] = [];
  const kids = catalog.jobs.flatMap((job) => job.backups.map((b) => b.keyId ?? "?"));
  const keyWidth = Math.max(3, ...kids.map((kid) => kid.length));
  for (const job of catalog.jobs) {
    const heading = `${job.job}${job.group ? ` (group ${job.group})` : ""}: ${job.path}`;
    lines.push(heading);
    if (job.backups.length === 0) lines.push("  no backups");
    else
      lines.push(
        `  ${"TIME".padEnd(20)}  ${"STORED".padStart(9)}  ${"KEY".padEnd(keyWidth)}  OBJECT`,
      );
    for (const b of job.backups) {
      const kid = (b.keyId ?? "?").padEnd(keyWidth);
      lines.push(`  ${b.time}  ${formatBytes(b.size).padStart(9)}  ${kid}  ${b.name}`);
    }
    lines.push("");
  }
  for (const group of catalog.groups) {
    lines.push(`group ${group.group}: ${group.jobs.join(", ")}`);
    if (group.sets.length === 0) lines.push("  no sets");
    for (const set of group.sets) {
      const have = Object.keys(set.members).length;
      const state = set.complete ? "complete" : `INCOMPLETE (${have}/${group.jobs.length})`;
      lines.push(`  ${set.time}  ${state}`);
    }
    lines.push("");
  }
  if (lines.length === 0) lines.push("No jobs in the config.", "");
  return `${lines.join("\n")}`;
}
