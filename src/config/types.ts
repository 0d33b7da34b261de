/** How often a job's file is backed up: at most one backup per calendar period. */
export type Frequency = "hourly" | "daily" | "weekly" | "monthly" | "always";

/** What a job does on each `ssb run`: how often, whether unchanged files are skipped, how many backups are kept. */
export interface Policy {
  frequency: Frequency;
  onChangeOnly: boolean;
  retentionCount: number;
  parallel: boolean;
}

/** One file to back up, with its policy resolved (named policies are looked up, inline ones kept). */
export interface Job {
  name: string;
  path: string;
  /** Prefix of every object name this job writes, e.g. `redis/`; may be empty. */
  s3KeyPrefix: string;
  policy: Policy;
  /** Name of the `[policies.*]` entry, absent for an inline policy. */
  policyName?: string;
  group?: string;
}

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  /** Path-style addressing; defaults to true when an endpoint is set. */
  forcePathStyle: boolean;
  /** The SDK's request checksum and response validation mode. */
  checksums: "WHEN_REQUIRED" | "WHEN_SUPPORTED";
}

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface LoggingSettings {
  level: LogLevel;
  file?: string;
  /** Rotate when the file reaches this many bytes. */
  maxSize: number;
  /** Old files kept besides the current one. */
  maxFiles: number;
}

export interface SmtpSettings {
  host: string;
  port: number;
  from: string;
  /** false: plain connection upgraded with STARTTLS (required unless `requireTls` is false); true: TLS from the first byte. */
  secure: boolean;
  requireTls: boolean;
  /** Whole-send deadline in milliseconds. */
  timeoutMs: number;
}

export interface ReportingSettings {
  htmlPath?: string;
  errorRecipients: string[];
  /** Runs whose HTML pages are kept; older pages are deleted. */
  keepRuns: number;
  smtp?: SmtpSettings;
}

/** A problem found in the config, with its place in the file (`jobs[2].policy.retentionCount`). */
export interface ConfigProblem {
  path: string;
  message: string;
  /**
   * The job the problem disables (its name, or `jobs[3]` when it has none). Absent for a
   * problem that concerns the whole file: in `Config.problems` that is a warning that
   * disables nothing (an unknown key, a broken policy no job uses); in a thrown
   * `ConfigProblemsError` it is what stopped the run.
   */
  job?: string;
  /** Worth fixing but disables nothing: an unknown key, mail that could never be sent. */
  warning?: boolean;
  /** The group of that job, when it names one: the whole group is then skipped. */
  group?: string;
  /** The config file as shown to the operator (relative to the working directory when inside it). */
  file?: string;
}

/** A loaded config: the settings, the jobs that are valid, and every problem found. */
export interface Config {
  /** Absolute path of the file it was read from. */
  file: string;
  s3: S3Settings;
  logging: LoggingSettings;
  reporting: ReportingSettings;
  limits: { maxJobs: number };
  /** IANA time zone for due-ness periods; "UTC" by default. */
  timezone: string;
  jobs: Job[];
  /** Per-job problems: those jobs are left out of `jobs` and reported. */
  problems: ConfigProblem[];
}
