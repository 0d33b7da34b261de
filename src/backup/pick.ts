import { ExitCode, SsbError } from "../errors.ts";

/**
 * The moment `--at` names. A full time (`2026-12-03T04:00:00Z`, as `ssb ls` prints it, or
 * with an offset) is taken as given; a date alone (`2026-12-03`) or a time without seconds
 * means the end of that day or minute in UTC, so "the backup of that day" is found.
 */
export function parseAtTime(text: string): Date {
  const trimmed = text.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed);
  const minuteOnly = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}Z?$/.test(trimmed);
  let iso = trimmed.replace(" ", "T");
  if (dateOnly) iso = `${trimmed}T23:59:59Z`;
  else if (minuteOnly) iso = `${iso.replace(/Z$/, "")}:59Z`;
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso = `${iso}Z`;
  const time = new Date(iso);
  if (Number.isNaN(time.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    throw new SsbError(
      `Cannot read --at ${JSON.stringify(text)}: use a time as \`ssb ls\` prints it (2026-12-03T04:00:00Z) or a date (2026-12-03)`,
      { exitCode: ExitCode.usage },
    );
  }
  return time;
}

/** The newest of `items` taken at or before `at` (all of them when `at` is absent). */
export function pickNewest<T extends { time: Date }>(items: T[], at?: Date): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    if (at && item.time.getTime() > at.getTime()) continue;
    if (!best || item.time.getTime() > best.time.getTime()) best = item;
  }
  return best;
}
