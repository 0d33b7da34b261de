import { ConfigError } from "../errors.ts";
import type { ConfigProblem } from "./types.ts";

/** `config.toml: jobs[2].policy.retentionCount: must be at least 1, not 0`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = [problem.file, problem.path].filter(Boolean).join(": ");
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** One line per problem, in the order found; an empty string when there are none. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map(formatProblem).join("\n");
}

/**
 * The config cannot be used: nothing runs (exit 2). The first line of the message stands
 * alone (the first fatal problem, and how many more follow); the lines after it list every
 * problem found, so one `ssb check` shows them all. `problems` holds them for `--json`.
 */
export class ConfigProblemsError extends ConfigError {
  readonly problems: ConfigProblem[];

  constructor(fatal: readonly ConfigProblem[], others: readonly ConfigProblem[] = []) {
    const [first, ...rest] = [...fatal, ...others];
    if (!first) throw new RangeError("ConfigProblemsError needs at least one problem");

    const more = rest.length > 0 ? ` (and ${rest.length} more below)` : "";
    const next = "; fix the config and run `ssb check`";
    super([`${formatProblem(first)}${more}${next}`, ...rest.map(formatProblem)].join("\n"));
    this.name = "ConfigProblemsError";
    this.problems = [first, ...rest];
  }
}
