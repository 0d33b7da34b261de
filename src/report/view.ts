import {
  formatBytes,
  formatDuration,
  formatThroughput,
  formatUtc,
  outcomeLabel,
} from "./format.ts";
import type { JobResult, RunSummary } from "./summary.ts";

/** CSS class of a status badge; templates only ever see one of these. */
export type Tone = "ok" | "fail" | "warn" | "skip" | "plan";

/** One job as the pages and the mail show it: every value already in words. */
export interface JobView {
  job: string;
  group?: string;
  outcome: string;
  tone: Tone;
  objectKey?: string;
  size?: string;
  duration: string;
  throughput?: string;
  pruned: string[];
  reason?: string;
  error?: string;
}

/** The header every page and the mail share. */
export interface RunView {
  host: string;
  configFile: string;
  bucket: string;
  started: string;
  duration: string;
  dryRun: boolean;
  counts: RunSummary["counts"];
  status: { tone: Tone; label: string };
  mail?: { tone: Tone; text: string };
  jobs: JobView[];
  failures: JobView[];
}

/** Whether a job needs an operator: it failed, or it uploaded and then pruning failed. */
export function isFailure(job: JobResult): boolean {
  return job.outcome === "failed" || Boolean(job.error);
}

/** Turns a run summary into the words and tones the templates print. */
export function buildRunView(summary: RunSummary): RunView {
  const jobs = summary.jobs.map(buildJobView);
  return {
    host: summary.host,
    configFile: summary.configFile,
    bucket: summary.bucket,
    started: formatUtc(summary.startedAt),
    duration: formatDuration(summary.durationMs),
    dryRun: summary.dryRun,
    counts: summary.counts,
    status: runStatus(summary),
    mail: summary.mail && mailStatus(summary.mail),
    jobs,
    failures: summary.jobs.filter(isFailure).map(buildJobView),
  };
}

/** Status of a whole run: `ok`, `N failed`, with `dry run` said when it was one. */
export function runStatus(summary: Pick<RunSummary, "counts" | "dryRun">): RunView["status"] {
  const failed = summary.counts.failed;
  if (failed > 0) return { tone: "fail", label: `${failed} failed` };
  return summary.dryRun ? { tone: "plan", label: "ok (dry run)" } : { tone: "ok", label: "ok" };
}

function buildJobView(job: JobResult): JobView {
  return {
    job: job.job,
    group: job.group,
    outcome: outcomeLabel(job.outcome),
    tone: jobTone(job),
    objectKey: job.objectKey,
    size: job.size === undefined ? undefined : formatBytes(job.size),
    duration: formatDuration(job.durationMs),
    throughput: job.outcome === "uploaded" ? formatThroughput(job.size, job.durationMs) : undefined,
    pruned: job.pruned,
    reason: job.reason,
    error: job.error,
  };
}

function jobTone(job: JobResult): Tone {
  if (job.outcome === "failed") return "fail";
  if (job.error) return "warn";
  if (job.outcome === "uploaded") return "ok";
  if (job.outcome === "planned") return "plan";
  return "skip";
}

function mailStatus(mail: NonNullable<RunSummary["mail"]>): NonNullable<RunView["mail"]> {
  const to = mail.recipients.join(", ");
  if (mail.sent) return { tone: "ok", text: `to ${to}` };
  return { tone: "fail", text: `${to ? `to ${to}: ` : ""}${mail.error ?? "no reason given"}` };
}
