import { describeValue, issueProblems, type FieldProblem } from "./issues.ts";
import { validateJobs } from "./jobs.ts";
import type { ConfigFormat } from "./parse.ts";
import { resolveConfigPath } from "./paths.ts";
import { parseNamedPolicies } from "./policies.ts";
import { ConfigProblemsError } from "./problems.ts";
import { DEFAULTS, settingsSchema, type Settings } from "./schema.ts";
import type { Config, ConfigProblem, S3Settings, SmtpSettings } from "./types.ts";
import { asTable, mailWarnings, unknownKeys } from "./warnings.ts";

export interface ValidateOptions {
  /** Absolute path of the config file; relative paths in it count from its folder. */
  file: string;
  /** How the file is named in problems; `file` by default. */
  display?: string;
  /** Only shapes the hint for a missing bucket. */
  format?: ConfigFormat;
  /** `S3_ENDPOINT` and `S3_REGION` here override the file. */
  env?: Record<string, string | undefined>;
  home: string;
}

const SECTIONS = ["s3", "logging", "reporting", "limits"] as const;

/**
 * Check a parsed config file and fill in the defaults, in two layers.
 *
 * Fatal (throws ConfigProblemsError, exit 2, nothing runs): the file is not a table, the
 * bucket is missing, or a setting has the wrong type or value. Every fatal problem is
 * reported at once, together with the per-job ones.
 *
 * Per job (returned in `problems` with `job` set; the job is left out of `jobs`): anything
 * wrong in a job or in the policy it uses, and the rules across jobs.
 *
 * Warnings (in `problems` without `job`): unknown keys outside jobs and policies, such as a
 * misspelt section name. They disable nothing: stopping every backup because of a typo in,
 * say, `[limit]` would do more harm than running with that section's defaults, and
 * `ssb check` and the run report still show them. A typo that matters shows up anyway:
 * `[s3]` misspelt leaves the bucket missing, `[polices]` leaves the jobs' policies unknown.
 */
export function validateConfig(raw: unknown, opts: ValidateOptions): Config {
  const display = opts.display ?? opts.file;
  const env = opts.env ?? {};
  const tag = (problems: FieldProblem[]): ConfigProblem[] =>
    problems.map((problem) => ({ ...problem, file: display }));

  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const message = `must hold a table of settings, not ${describeValue(raw)}`;
    const problem = { path: "(file)", message };
    throw new ConfigProblemsError(tag([problem]));
  }
  const top = raw as Record<string, unknown>;

  // A missing section is an empty one, so a missing [s3] is reported as a missing s3.bucket.
  const sections = Object.fromEntries(SECTIONS.map((key) => [key, top[key] ?? {}]));
  const withSections = { ...top, ...sections };
  const parsed = settingsSchema.safeParse(withSections, { reportInput: true });
  const fatal = parsed.success
    ? []
    : issueProblems(parsed.error.issues, []).map((p) => withHint(p, opts.format));

  const s3 = parsed.success ? resolveS3(parsed.data, env, fatal) : undefined;
  const warnings = [...unknownKeys(top, settingsSchema, []), ...mailWarnings(top, env)];

  // Jobs are checked even when the settings are broken, so one `ssb check` shows everything.
  const policies = parsed.success ? parsed.data.policies : asTable(top.policies);
  const named = parseNamedPolicies(policies);
  const rawJobs = Array.isArray(top.jobs) ? top.jobs : [];
  const context = { file: opts.file, home: opts.home, policies: named };
  const { jobs, problems: jobProblems } = validateJobs(rawJobs, context);
  const asWarnings = (list: FieldProblem[]) => tag(list).map((p) => ({ ...p, warning: true }));
  const problems = [...tag(named.problems), ...tag(jobProblems), ...asWarnings(warnings)];

  if (!parsed.success || !s3 || fatal.length > 0) {
    throw new ConfigProblemsError(tag(fatal), problems);
  }
  if (rawJobs.length === 0) {
    problems.push(
      ...asWarnings([{ path: "jobs", message: "no jobs defined; add a [[jobs]] entry" }]),
    );
  }

  const { logging, reporting, limits } = parsed.data;
  const inConfigFolder = (path: string) => resolveConfigPath(path, opts.file, opts.home);
  return {
    file: opts.file,
    s3,
    logging: {
      level: logging.level ?? DEFAULTS.logLevel,
      ...(logging.file !== undefined && { file: inConfigFolder(logging.file) }),
      maxSize: logging.maxSize ?? DEFAULTS.logMaxSize,
      maxFiles: logging.maxFiles ?? DEFAULTS.logMaxFiles,
    },
    reporting: {
      ...(reporting.htmlPath !== undefined && { htmlPath: inConfigFolder(reporting.htmlPath) }),
      errorRecipients: reporting.errorRecipients ?? [],
      keepRuns: reporting.keepRuns ?? DEFAULTS.keepRuns,
      ...(reporting.smtp && { smtp: resolveSmtp(reporting.smtp) }),
    },
    limits: { maxJobs: limits.maxJobs ?? DEFAULTS.maxJobs },
    timezone: parsed.data.timezone ?? DEFAULTS.timezone,
    jobs,
    problems,
  };
}

/** The S3 settings with `S3_ENDPOINT` / `S3_REGION` applied; a bad endpoint joins `fatal`. */
function resolveS3(
  settings: Settings,
  env: Record<string, string | undefined>,
  fatal: FieldProblem[],
): S3Settings | undefined {
  const { s3 } = settings;
  const fromEnv = env.S3_ENDPOINT?.trim();
  const endpoint = fromEnv || s3.endpoint?.trim() || undefined;

  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    const source = fromEnv ? " (from S3_ENDPOINT)" : "";
    fatal.push({
      path: "s3.endpoint",
      message: `must be a URL such as https://s3.example.com, not ${describeValue(endpoint)}${source}`,
    });
    return undefined;
  }

  return {
    bucket: s3.bucket,
    ...(endpoint !== undefined && { endpoint }),
    region: env.S3_REGION?.trim() || s3.region || DEFAULTS.region,
    // S3-compatible stores mostly lack virtual-host buckets and the newer checksum headers.
    forcePathStyle: s3.forcePathStyle ?? endpoint !== undefined,
    checksums: s3.checksums ?? (endpoint !== undefined ? "WHEN_REQUIRED" : "WHEN_SUPPORTED"),
  };
}

function resolveSmtp(smtp: NonNullable<Settings["reporting"]["smtp"]>): SmtpSettings {
  const port = smtp.port ?? DEFAULTS.smtpPort;
  return {
    host: smtp.host,
    port,
    from: smtp.from,
    // Port 465 speaks TLS from the first byte; every other port starts plain and upgrades.
    secure: smtp.secure ?? port === 465,
    requireTls: smtp.requireTls ?? true,
    timeoutMs: smtp.timeoutMs ?? DEFAULTS.smtpTimeoutMs,
  };
}

/** The next step for the two mistakes a new config most often has. */
function withHint(problem: FieldProblem, format: ConfigFormat | undefined): FieldProblem {
  const json = format === "json";
  if (problem.path === "s3.bucket" && problem.message === "required") {
    const hint = json ? '"s3": { "bucket": "…" }' : '[s3] bucket = "…"';
    return { ...problem, message: `required; add ${hint}` };
  }
  if (problem.path === "jobs" && problem.message.startsWith("must be a list")) {
    const hint = json ? '"jobs": [ { … } ]' : "[[jobs]] (two brackets) for each job";
    return { ...problem, message: `${problem.message}; write ${hint}` };
  }
  return problem;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
