import { basename } from "node:path";
import { describeValue, fieldPath, issueProblems, type FieldProblem } from "./issues.ts";
import { resolveConfigPath } from "./paths.ts";
import { describePolicy, parsePolicy, samePolicy, type NamedPolicies } from "./policies.ts";
import { jobSchema } from "./schema.ts";
import type { ConfigProblem, Job, Policy } from "./types.ts";

const JOB_KEYS = Object.keys(jobSchema.shape);

/**
 * One `[[jobs]]` entry while it is checked. Whatever could be read of it is kept even when
 * something else is wrong, so the rules across jobs (unique names, distinct object names)
 * still see it: a broken job's old backups stay in the bucket, and another job writing the
 * same names would prune them.
 */
interface Entry {
  index: number;
  name?: string;
  path?: string;
  s3KeyPrefix: string;
  policy?: Policy;
  policyName?: string;
  group?: string;
  problems: FieldProblem[];
}

export interface JobContext {
  file: string;
  home: string;
  policies: NamedPolicies;
}

/** The jobs that may run, and a problem for each one that may not (with `job` set). */
export function validateJobs(
  rawJobs: readonly unknown[],
  context: JobContext,
): { jobs: Job[]; problems: ConfigProblem[] } {
  const entries = rawJobs.map((raw, index) => readEntry(raw, index, context));

  checkUniqueNames(entries);
  checkObjectNames(entries);
  checkGroups(entries);

  const jobs = entries.filter((entry) => entry.problems.length === 0).map(toJob);
  const problems = entries.flatMap((entry) =>
    entry.problems.map((problem) => ({
      ...problem,
      job: entry.name ?? label(entry),
      ...(entry.group !== undefined && { group: entry.group }),
    })),
  );
  return { jobs, problems };
}

function readEntry(raw: unknown, index: number, context: JobContext): Entry {
  const at = ["jobs", index];
  const entry: Entry = { index, s3KeyPrefix: "", problems: [] };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    entry.problems.push({
      path: fieldPath(at),
      message: `must be a table with name and path, not ${describeValue(raw)}`,
    });
    return entry;
  }

  const result = jobSchema.safeParse(raw, { reportInput: true });
  if (!result.success) entry.problems.push(...issueProblems(result.error.issues, at, JOB_KEYS));

  // Read what is usable field by field, whatever else failed.
  const fields = raw as Record<string, unknown>;
  if (typeof fields.name === "string" && fields.name.trim()) entry.name = fields.name.trim();
  if (typeof fields.path === "string" && fields.path.trim()) {
    entry.path = resolveConfigPath(fields.path, context.file, context.home);
  }
  if (typeof fields.s3KeyPrefix === "string") {
    entry.s3KeyPrefix = fields.s3KeyPrefix.replace(/^\/+/, "");
  }
  if (typeof fields.group === "string" && fields.group.trim()) entry.group = fields.group.trim();

  resolvePolicy(entry, fields.policy, context.policies);
  return entry;
}

function resolvePolicy(entry: Entry, raw: unknown, named: NamedPolicies): void {
  const at = ["jobs", entry.index, "policy"];

  if (raw === undefined) {
    entry.policy = parsePolicy({}, at).policy;
  } else if (typeof raw === "string") {
    const policy = named.valid.get(raw);
    const brokenAt = named.broken.get(raw);
    if (policy) {
      entry.policy = policy;
      entry.policyName = raw;
    } else if (brokenAt) {
      entry.problems.push({
        path: fieldPath(at),
        message: `policy "${raw}" is invalid (see ${brokenAt})`,
      });
    } else {
      const known = [...named.valid.keys(), ...named.broken.keys()];
      const choice = known.length > 0 ? `, or use one of ${known.join(", ")}` : "";
      entry.problems.push({
        path: fieldPath(at),
        message: `unknown policy "${raw}"; define [policies.${raw}]${choice}`,
      });
    }
  } else if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    const parsed = parsePolicy(raw, at);
    if (parsed.policy) entry.policy = parsed.policy;
    else entry.problems.push(...parsed.problems);
  } else {
    entry.problems.push({
      path: fieldPath(at),
      message: `must be a policy name or an inline table, not ${describeValue(raw)}`,
    });
  }
}

/** Two jobs with one name cannot be told apart by `ssb ls` or `ssb restore`: both are skipped. */
function checkUniqueNames(entries: Entry[]): void {
  for (const same of groupBy(entries, (entry) => entry.name)) {
    for (const entry of same) {
      const others = same
        .filter((other) => other !== entry)
        .map(label)
        .join(", ");
      entry.problems.push({
        path: fieldPath(["jobs", entry.index, "name"]),
        message: `job name "${entry.name}" is also used by ${others}; give every job its own name`,
      });
    }
  }
}

/**
 * Object names are `<s3KeyPrefix><file name>-<time>.bak.enc`: two jobs with the same prefix
 * and file name would overwrite and prune each other's backups.
 */
function checkObjectNames(entries: Entry[]): void {
  const objectBase = (entry: Entry) =>
    entry.path === undefined ? undefined : `${entry.s3KeyPrefix}${basename(entry.path)}`;

  for (const same of groupBy(entries, objectBase)) {
    for (const entry of same) {
      const others = same
        .filter((other) => other !== entry)
        .map(describeEntry)
        .join(", ");
      entry.problems.push({
        path: fieldPath(["jobs", entry.index, "path"]),
        message:
          `writes the same object names (${objectBase(entry)}-<time>.bak.enc) as ${others}; ` +
          "give one of them its own s3KeyPrefix",
      });
    }
  }
}

/**
 * A group is backed up as one set: its members must share a policy, its name must not be a
 * job name (`ssb ls NAME` would be ambiguous), and when any member cannot run, none does,
 * since a set missing a member would never count as complete.
 */
function checkGroups(entries: Entry[]): void {
  const jobNames = new Map(entries.flatMap((entry) => (entry.name ? [[entry.name, entry]] : [])));

  for (const members of groupBy(entries, (entry) => entry.group, 1)) {
    const group = members[0]!.group!;
    const withPolicy = members.filter((member) => member.policy);
    const differ = withPolicy.some((member) => !samePolicy(member.policy!, withPolicy[0]!.policy!));
    if (differ) {
      const listing = withPolicy.map((m) => `${describeEntry(m)}: ${describePolicy(m.policy!)}`);
      for (const member of members) {
        member.problems.push({
          path: fieldPath(["jobs", member.index, "policy"]),
          message:
            `members of group "${group}" have different policies ` +
            `(${listing.join("; ")}); give them one policy`,
        });
      }
    }

    const namesake = jobNames.get(group);
    if (namesake) {
      for (const member of members) {
        member.problems.push({
          path: fieldPath(["jobs", member.index, "group"]),
          message:
            `group "${group}" has the same name as ${describeEntry(namesake)}; ` +
            "rename the group or the job",
        });
      }
    }

    const broken = members.filter((member) => member.problems.length > 0);
    if (broken.length === 0) continue;
    for (const member of members.filter((m) => m.problems.length === 0)) {
      member.problems.push({
        path: fieldPath(["jobs", member.index, "group"]),
        message:
          `skipped with the rest of group "${group}": ${broken.map(describeEntry).join(", ")} ` +
          "has a problem, and a group is backed up only as a complete set",
      });
    }
  }
}

/** Entries sharing a key, in file order: sets of at least `minSize`; undefined keys ignored. */
function groupBy(
  entries: Entry[],
  key: (entry: Entry) => string | undefined,
  minSize = 2,
): Entry[][] {
  const sets = new Map<string, Entry[]>();
  for (const entry of entries) {
    const value = key(entry);
    if (value === undefined) continue;
    sets.set(value, [...(sets.get(value) ?? []), entry]);
  }
  return [...sets.values()].filter((set) => set.length >= minSize);
}

function label(entry: Entry): string {
  return `jobs[${entry.index}]`;
}

function describeEntry(entry: Entry): string {
  return entry.name ? `job "${entry.name}" (${label(entry)})` : label(entry);
}

function toJob(entry: Entry): Job {
  const job: Job = {
    name: entry.name!,
    path: entry.path!,
    s3KeyPrefix: entry.s3KeyPrefix,
    policy: entry.policy!,
  };
  if (entry.policyName !== undefined) job.policyName = entry.policyName;
  if (entry.group !== undefined) job.group = entry.group;
  return job;
}
