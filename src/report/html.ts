import { randomBytes } from "node:crypto";
import { access, link, mkdir, open, readdir, rename, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { formatDuration, formatUtc } from "./format.ts";
import { renderTemplate } from "./render.ts";
import type { RunSummary } from "./summary.ts";
import { buildRunView, isFailure, runStatus, type Tone } from "./view.ts";

/** How many runs keep their pages by default (`reporting.keepRuns`); older pages are deleted. */
export const INDEX_LIMIT = 500;

/** Paths of the pages one run wrote. */
export interface RunReportFiles {
  report: string;
  errorPage?: string;
  index: string;
}

/**
 * Writes the HTML page of one run (`backup-<UTC start>.html`), a failures-only page
 * (`error-<UTC start>.html`) when a job failed, and rebuilds `index.html` from the pages
 * in the folder. Pages are never overwritten: a second run with the same start second
 * gets `-2`, `-3`, … Every page is written to a temporary file first and renamed, so a
 * web server never serves half a page.
 */
export async function writeRunReport(
  dir: string,
  summary: RunSummary,
  keepRuns = INDEX_LIMIT,
): Promise<RunReportFiles> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });

  const run = buildRunView(summary);
  const meta = pageMeta(summary);
  const generated = formatUtc(new Date().toISOString());
  const failed = summary.counts.failed > 0;
  const stamp = fileStamp(summary.startedAt);
  const heading = `Backup run on ${summary.host}`;

  const names = await publishReport(folder, stamp, (candidate) =>
    renderTemplate("report", {
      title: `ssb ${run.status.label}: ${summary.host}, ${run.started}`,
      heading,
      meta,
      run,
      generated,
      errorHref: failed ? href(candidate.error) : undefined,
    }),
  );

  let errorPage: string | undefined;
  if (failed) {
    const html = renderTemplate("error", {
      title: `ssb failures: ${summary.host}, ${run.started}`,
      heading: `Failed backups on ${summary.host}`,
      meta,
      run,
      generated,
      reportHref: href(names.report),
    });
    await writeReplacing(folder, names.error, html);
    errorPage = join(folder, names.error);
  }

  const index = await writeIndex(folder, keepRuns, [
    names.report,
    ...(failed ? [names.error] : []),
  ]);
  return { report: join(folder, names.report), errorPage, index };
}

/**
 * Rebuilds `index.html` from the run pages present in `dir` and deletes the pages of all
 * but the newest `keepRuns` runs, so a folder fed by cron every few minutes stays bounded;
 * returns the index's path.
 */
export async function writeIndex(
  dir: string,
  keepRuns = INDEX_LIMIT,
  current: string[] = [],
): Promise<string> {
  const folder = resolve(dir);
  const runs = listRuns(await readdir(folder));
  const listed = runs.slice(0, keepRuns);
  // The pages just written are never deleted, even when a clock that once ran ahead left
  // newer-looking names in the folder.
  for (const old of runs.slice(keepRuns)) {
    for (const name of [old.report, old.errorPage]) {
      if (name && !current.includes(name)) await unlink(join(folder, name)).catch(() => {});
    }
  }
  const rows = [];
  for (const entry of listed) rows.push(await indexRow(folder, entry));

  const html = renderTemplate("index", {
    title: "ssb backup runs",
    runs: rows,
    truncated: runs.length > listed.length,
    latest: rows[0] ?? { tone: "skip", label: "no runs yet" },
    generated: formatUtc(new Date().toISOString()),
  });
  await writeReplacing(folder, "index.html", html);
  return join(folder, "index.html");
}

/** A run found in the folder by its page names. */
export interface RunEntry {
  /** `2026-12-03T04:00:00`, UTC. */
  stamp: string;
  /** 1 for the first page of that second, 2 for `-2`, … */
  n: number;
  report?: string;
  errorPage?: string;
}

const PAGE_NAME = /^(backup|error)-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:-(\d+))?\.html$/;

/** Groups page file names into runs, newest first; other names are ignored. */
export function listRuns(fileNames: string[]): RunEntry[] {
  const runs = new Map<string, RunEntry>();
  for (const name of fileNames) {
    const match = PAGE_NAME.exec(name);
    if (!match) continue;
    const [, kind, stamp = "", suffix] = match;
    const n = suffix ? Number(suffix) : 1;
    const key = `${stamp}#${n}`;
    const entry = runs.get(key) ?? { stamp, n };
    if (kind === "backup") entry.report = name;
    else entry.errorPage = name;
    runs.set(key, entry);
  }
  return [...runs.values()].sort((a, b) =>
    a.stamp === b.stamp ? b.n - a.n : a.stamp < b.stamp ? 1 : -1,
  );
}

/** The link to a page in the same folder: `:` must be escaped or browsers read a scheme. */
export function href(fileName: string): string {
  return encodeURIComponent(fileName);
}

type PageNames = { report: string; error: string };

// Finds the first free name pair for this start second and writes the report under it.
// The error page name is claimed with it, so a report and its failures always pair up.
async function publishReport(
  folder: string,
  stamp: string,
  render: (names: PageNames) => string,
): Promise<PageNames> {
  for (let n = 1; ; n++) {
    const names = pageNames(stamp, n);
    const taken =
      (await exists(join(folder, names.report))) || (await exists(join(folder, names.error)));
    if (!taken && (await writeNew(folder, names.report, render(names)))) return names;
  }
}

function pageNames(stamp: string, n: number): PageNames {
  const suffix = n === 1 ? "" : `-${n}`;
  return { report: `backup-${stamp}${suffix}.html`, error: `error-${stamp}${suffix}.html` };
}

// `2026-12-03T04:00:00` from the run's start; a start time that does not parse (it
// should not happen) falls back to now rather than losing the report.
function fileStamp(startedAt: string): string {
  const date = new Date(startedAt);
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  return valid.toISOString().slice(0, 19);
}

function pageMeta(summary: RunSummary) {
  return {
    host: summary.host,
    durationMs: summary.durationMs,
    uploaded: summary.counts.uploaded,
    skipped: summary.counts.skipped,
    pruned: summary.counts.pruned,
    failed: summary.counts.failed,
    dryRun: summary.dryRun,
    failedJobs: JSON.stringify(summary.jobs.filter(isFailure).map((job) => job.job)),
  };
}

interface IndexRow {
  started: string;
  tone: Tone;
  label: string;
  host?: string;
  duration?: string;
  uploaded?: number;
  skipped?: number;
  pruned?: number;
  failed?: number;
  failedJobs: string[];
  reportHref?: string;
  errorHref?: string;
}

async function indexRow(folder: string, entry: RunEntry): Promise<IndexRow> {
  const page = entry.report ?? entry.errorPage;
  const meta = page ? await readPageMeta(join(folder, page)) : {};
  const counts = {
    uploaded: numberOf(meta.uploaded),
    skipped: numberOf(meta.skipped),
    pruned: numberOf(meta.pruned),
    failed: numberOf(meta.failed),
  };
  const durationMs = numberOf(meta["duration-ms"]);

  let status: { tone: Tone; label: string };
  if (counts.failed !== undefined) {
    status = runStatus({
      counts: { uploaded: 0, skipped: 0, pruned: 0, failed: counts.failed },
      dryRun: meta["dry-run"] === "true",
    });
  } else {
    status = entry.errorPage
      ? { tone: "fail", label: "failed" }
      : { tone: "skip", label: "unknown" };
  }

  return {
    started: `${entry.stamp.replace("T", " ")}${entry.n > 1 ? ` (${entry.n})` : ""}`,
    ...status,
    host: meta.host,
    duration: durationMs === undefined ? undefined : formatDuration(durationMs),
    ...counts,
    failedJobs: jobNames(meta["failed-jobs"]),
    reportHref: entry.report && href(entry.report),
    errorHref: entry.errorPage && href(entry.errorPage),
  };
}

// Reads the ssb-* meta tags from the top of a page; they sit before the stylesheet.
async function readPageMeta(path: string): Promise<Record<string, string>> {
  let head: string;
  try {
    const file = await open(path, "r");
    try {
      const buffer = Buffer.alloc(16384);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await file.close();
    }
  } catch {
    return {};
  }
  const meta: Record<string, string> = {};
  for (const match of head.matchAll(/<meta name="ssb-([a-z-]+)" content="([^"]*)">/g)) {
    meta[match[1] ?? ""] = unescapeHtml(match[2] ?? "");
  }
  return meta;
}

function jobNames(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const names: unknown = JSON.parse(value);
    return Array.isArray(names) ? names.map(String) : [];
  } catch {
    return [];
  }
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function unescapeHtml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, entity: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[entity] ?? "",
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

// Web pages are meant to be read by the web server's user.
const PAGE_MODE = 0o644;

async function writeTemp(folder: string, name: string, content: string): Promise<string> {
  const temp = join(folder, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  await writeFile(temp, content, { mode: PAGE_MODE, flag: "wx" });
  return temp;
}

// Publishes a page under a name that must not exist yet: a hard link fails on an existing
// name where rename would replace it. Returns false when the name was taken meanwhile.
async function writeNew(folder: string, name: string, content: string): Promise<boolean> {
  const temp = await writeTemp(folder, name, content);
  try {
    await link(temp, join(folder, name));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    if (!isLinkUnsupported(error)) throw error;
    // A file system without hard links: the name was free a moment ago, rename is the
    // next best thing.
    await rename(temp, join(folder, name));
    return true;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function writeReplacing(folder: string, name: string, content: string): Promise<void> {
  const temp = await writeTemp(folder, name, content);
  try {
    await rename(temp, join(folder, name));
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

function isLinkUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS";
}
