import { stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Config, Job } from "../config/types.ts";
import { ConfigError, ExitCode, SsbError } from "../errors.ts";
import type { BackupStore } from "../store/store.ts";
import { listBackups, type Backup } from "./inventory.ts";
import { formatBackupTime } from "./naming.ts";
import { parseAtTime, pickNewest } from "./pick.ts";
import { completeSets } from "./retention.ts";
import type { RestoreTarget } from "./restore.ts";

/**
 * Which objects `ssb restore` brings back, and where: the newest backup of a job (or the
 * newest at or before --at), or every member of the newest complete set of a group.
 */
export async function planRestore(
  store: BackupStore,
  config: Config,
  request: { job?: string; group?: string; at?: string; to?: string },
): Promise<RestoreTarget[]> {
  const at = request.at ? parseAtTime(request.at) : undefined;
  const when = at ? ` at or before ${formatBackupTime(at)}` : "";

  if (request.job) {
    const job = config.jobs.find((j) => j.name === request.job);
    if (!job) {
      if (config.jobs.some((j) => j.group === request.job)) {
        throw new ConfigError(
          `"${request.job}" is a group; restore its set with \`ssb restore --group ${request.job}\``,
        );
      }
      const names = config.jobs.map((j) => j.name).join(", ") || "none";
      throw new ConfigError(`No job named "${request.job}" in ${config.file}; jobs: ${names}`);
    }
    const backup = pickNewest(await listBackups(store, job), at);
    if (!backup) {
      throw new SsbError(
        `No backup of ${job.name}${when} in s3://${config.s3.bucket}; run \`ssb ls ${job.name}\``,
      );
    }
    return [{ key: backup.key, dest: await destination(job, request.to, false) }];
  }

  const members = config.jobs.filter((j) => j.group === request.group);
  if (members.length === 0) {
    const groups =
      [...new Set(config.jobs.flatMap((j) => (j.group ? [j.group] : [])))].join(", ") || "none";
    throw new ConfigError(`No group named "${request.group}" in ${config.file}; groups: ${groups}`);
  }
  const backups = new Map<string, Backup[]>();
  for (const job of members) backups.set(job.name, await listBackups(store, job));
  const set = pickNewest(
    completeSets(
      members.map((j) => j.name),
      backups,
    ),
    at,
  );
  if (!set) {
    throw new SsbError(
      `No complete set of group ${request.group}${when} in s3://${config.s3.bucket}; run \`ssb ls ${request.group}\``,
    );
  }
  return Promise.all(
    members.map(async (job) => ({
      key: set.members.get(job.name)!,
      dest: await destination(job, request.to, true),
    })),
  );
}

/** --to as given, or inside it when it is a directory; the job's own path without --to. */
async function destination(
  job: Job,
  to: string | undefined,
  mustBeDirectory: boolean,
): Promise<string> {
  if (to === undefined) return job.path;
  const path = resolve(to);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() || to.endsWith("/") || (mustBeDirectory && !existing)) {
    return join(path, basename(job.path));
  }
  if (mustBeDirectory) {
    throw new SsbError(`--to ${to}: a group restores several files, so --to must be a directory`, {
      exitCode: ExitCode.usage,
    });
  }
  return path;
}
