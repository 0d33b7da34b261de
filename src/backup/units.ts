import { ConfigError } from "../errors.ts";
import type { Job, Policy } from "../config/types.ts";

/**
 * What the scheduler runs as one piece: a job on its own, or every member of a group,
 * which are backed up together under one timestamp and pruned as sets.
 */
export interface Unit {
  /** The job's name, or the group's. */
  name: string;
  group?: string;
  jobs: Job[];
  policy: Policy;
}

/** Jobs gathered into units, in the order they first appear in the config. */
export function buildUnits(jobs: Job[]): Unit[] {
  const units: Unit[] = [];
  const groups = new Map<string, Unit>();
  for (const job of jobs) {
    if (!job.group) {
      units.push({ name: job.name, jobs: [job], policy: job.policy });
      continue;
    }
    const existing = groups.get(job.group);
    if (existing) {
      existing.jobs.push(job);
      continue;
    }
    const unit: Unit = { name: job.group, group: job.group, jobs: [job], policy: job.policy };
    groups.set(job.group, unit);
    units.push(unit);
  }
  return units;
}

/**
 * The units a run covers. `--job` and `--group` narrow it; a job that belongs to a group
 * selects its whole group, because a set is complete only when every member is in it.
 * A name that matches nothing is a usage error, listing what exists.
 */
export function selectUnits(
  units: Unit[],
  selection: { jobs?: string[]; groups?: string[] },
  broken: { jobs: Set<string>; groups: Set<string> } = { jobs: new Set(), groups: new Set() },
): Unit[] {
  const jobs = selection.jobs ?? [];
  const groups = selection.groups ?? [];
  if (jobs.length === 0 && groups.length === 0) return units;

  const jobNames = new Set([...units.flatMap((u) => u.jobs.map((j) => j.name)), ...broken.jobs]);
  const groupNames = new Set([
    ...units.flatMap((u) => (u.group ? [u.group] : [])),
    ...broken.groups,
  ]);
  for (const name of jobs) {
    if (!jobNames.has(name)) {
      throw new ConfigError(
        `No job named "${name}" in the config; jobs: ${[...jobNames].join(", ") || "none"}`,
      );
    }
  }
  for (const name of groups) {
    if (!groupNames.has(name)) {
      throw new ConfigError(
        `No group named "${name}" in the config; groups: ${[...groupNames].join(", ") || "none"}`,
      );
    }
  }
  return units.filter(
    (unit) =>
      (unit.group !== undefined && groups.includes(unit.group)) ||
      unit.jobs.some((job) => jobs.includes(job.name)),
  );
}
