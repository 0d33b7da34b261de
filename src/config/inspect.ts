import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { ConfigError } from "../errors.ts";
import { keyVariableName, loadKeys } from "./keys.ts";
import { loadConfig, type LoadOptions } from "./load.ts";
import { displayPath } from "./paths.ts";
import { describePolicy } from "./policies.ts";
import { ConfigProblemsError, formatProblem } from "./problems.ts";
import type { Config, ConfigProblem, Job } from "./types.ts";

/** What `ssb check` prints: the setup as loaded, and every problem in it. Never a key value. */
export interface SetupReport {
  file?: string;
  envFile?: string;
  tried: string[];
  jobs: { name: string; group?: string; policy: string }[];
  keyIds: string[];
  primaryKey?: string;
  /** What stops every run, or disables a job; empty when all is well. */
  problems: ConfigProblem[];
  /** What disables nothing but is probably a mistake (an unknown key, an unused broken policy). */
  warnings: ConfigProblem[];
  /** The report for people, one line each. */
  lines: string[];
}

/**
 * Load the config and the keys like a run would, but collect what is wrong instead of
 * stopping at the first ConfigError, so one `ssb check` shows every problem.
 */
export async function inspectSetup(opts: LoadOptions = {}): Promise<SetupReport> {
  const env = opts.env ?? process.env;
  const report: SetupReport = {
    tried: [],
    jobs: [],
    keyIds: [],
    problems: [],
    warnings: [],
    lines: [],
  };

  let config: Config | undefined;
  try {
    const loaded = await loadConfig({ ...opts, env });
    config = loaded.config;
    report.file = config.file;
    report.tried = loaded.tried;
    for (const problem of config.problems)
      (problem.warning ? report.warnings : report.problems).push(problem);
    if (loaded.envFile) report.envFile = loaded.envFile;
  } catch (error) {
    report.problems.push(...problemsOf(error, "config"));
  }

  try {
    const ring = loadKeys(env);
    report.keyIds = [...ring.keys.keys()];
    report.primaryKey = ring.primary;
  } catch (error) {
    report.problems.push(...problemsOf(error, "environment"));
  }

  report.warnings.push(...(await unreadableFiles(config?.jobs ?? [], config?.file)));
  report.jobs = (config?.jobs ?? []).map((job) => ({
    name: job.name,
    ...(job.group !== undefined && { group: job.group }),
    policy: job.policyName ?? describePolicy(job.policy),
  }));
  report.lines = describe(report, config);
  return report;
}

/**
 * Jobs whose file cannot be read now: the next run would fail them. Only looked at, never
 * opened for reading, so `ssb check` still touches nothing.
 */
async function unreadableFiles(jobs: Job[], file: string | undefined): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const job of jobs) {
    const readable = await access(job.path, constants.R_OK).then(
      () => true,
      () => false,
    );
    if (!readable) {
      problems.push({
        ...(file !== undefined && { file: displayPath(file, process.cwd()) }),
        path: `job ${job.name}`,
        message: `${job.path} does not exist or is not readable; the job fails until it is`,
        job: job.name,
        warning: true,
      });
    }
  }
  return problems;
}

function problemsOf(error: unknown, path: string): ConfigProblem[] {
  if (error instanceof ConfigProblemsError) return error.problems;
  if (error instanceof ConfigError) return [{ path, message: error.message }];
  throw error;
}

function describe(report: SetupReport, config: Config | undefined): string[] {
  const lines: string[] = [];
  if (report.file) lines.push(`config: ${report.file}`);
  if (report.envFile) lines.push(`env file: ${report.envFile}`);
  if (config) {
    const at = config.s3.endpoint ? ` at ${config.s3.endpoint}` : "";
    lines.push(`bucket: ${config.s3.bucket}${at}`);
  }
  for (const job of report.jobs) {
    lines.push(`job ${job.name}: ${job.policy}${job.group ? `, group ${job.group}` : ""}`);
  }
  if (report.keyIds.length > 0) {
    const primary = report.primaryKey && keyVariableName(report.primaryKey);
    const ids = report.keyIds.map((id) =>
      keyVariableName(id) === primary ? `${id} (primary)` : id,
    );
    lines.push(`keys: ${ids.join(", ")}`);
  }
  lines.push(...report.problems.map(formatProblem));
  lines.push(...report.warnings.map((w) => `warning: ${formatProblem(w)}`));
  const count = report.problems.length;
  const warnings = report.warnings.length;
  const parts: string[] = [];
  if (count > 0) parts.push(`${count} problem${count === 1 ? "" : "s"}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  lines.push(parts.length === 0 ? "no problems found" : `${parts.join(" and ")} found`);
  return lines;
}
