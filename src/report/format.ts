import type { JobOutcome } from "./summary.ts";

const MIB = 1024 * 1024;

/** Bytes for people: `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A duration for people: `0.4s`, `4.2s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${pad2(Math.floor(seconds % 60))}s`;
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** Upload speed in MiB/s, or undefined when size or time is missing or zero. */
export function formatThroughput(bytes: number | undefined, ms: number): string | undefined {
  if (!bytes || ms <= 0) return undefined;
  const perSecond = bytes / MIB / (ms / 1000);
  return `${perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(1)} MiB/s`;
}

/** The words a report uses for each outcome. */
export function outcomeLabel(outcome: JobOutcome): string {
  return outcome === "not-due" ? "not due" : outcome;
}

/** An ISO time as `2026-12-03 04:00:00 UTC`; the input unchanged when it does not parse. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
