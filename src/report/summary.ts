/** What happened to one job in one `ssb run`. */
export type JobOutcome =
  | "uploaded" // a new backup was written
  | "not-due" // its period already holds a backup
  | "unchanged" // onChangeOnly and the file equals the newest backup
  | "planned" // --dry-run: it would have been uploaded
  | "failed"; // reading, encrypting, uploading, pruning or config problem

export interface JobResult {
  job: string;
  group?: string;
  outcome: JobOutcome;
  /** Object name written (or that would be written), without the bucket. */
  objectKey?: string;
  /** Plaintext bytes read from the file. */
  size?: number;
  durationMs: number;
  /** Why it was skipped, in words ("daily backup of 2026-12-03 exists"). */
  reason?: string;
  /** Object names deleted (or, in a dry run, that would be deleted) by retention. */
  pruned: string[];
  /** One-line error text when outcome is "failed" (or when pruning failed after an upload). */
  error?: string;
}

/** Everything the console, log, HTML pages, mail and `--json` say about one run. */
export interface RunSummary {
  /** ISO 8601 UTC. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  host: string;
  configFile: string;
  bucket: string;
  dryRun: boolean;
  jobs: JobResult[];
  counts: { uploaded: number; skipped: number; pruned: number; failed: number };
  /** Set once the error mail was tried: whether it went out, or why not. */
  mail?: { sent: boolean; recipients: string[]; error?: string };
}

/** Counts for the final line and the report headers. */
export function countResults(jobs: JobResult[]): RunSummary["counts"] {
  const counts = { uploaded: 0, skipped: 0, pruned: 0, failed: 0 };
  for (const job of jobs) {
    if (job.outcome === "uploaded" || job.outcome === "planned") counts.uploaded++;
    else if (job.outcome === "failed") counts.failed++;
    else counts.skipped++;
    counts.pruned += job.pruned.length;
    if (job.outcome !== "failed" && job.error) counts.failed++;
  }
  return counts;
}
