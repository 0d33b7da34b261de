import { chmod, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { basename, dirname, resolve, sep } from "node:path";
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola";
import { createStream, type RotatingFileStream } from "rotating-file-stream";
import type { LogLevel } from "../config/types.ts";
import { errorMessage } from "../errors.ts";
import { formatDuration } from "./format.ts";
import { Redactor } from "./redact.ts";
import type { RunSummary } from "./summary.ts";

/** Where one `ssb` process tells people and the log file what it does. */
export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  success(msg: string): void;
  debug(msg: string): void;
  /** From now on, `value` is written as `[redacted]` on the console and in the log file. */
  registerSecret(value: string | undefined): void;
  /** `text` with every registered secret replaced, for output that does not go through the logger. */
  redact(text: string): string;
  /** Flushes and closes the log file; call it before the process exits. */
  close(): Promise<void>;
}

/** A stream the console side writes to; tests pass their own. */
export interface ConsoleStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** How `createLogger` writes: levels, the log file and its rotation, console flags. */
export interface LoggerOptions {
  /** Level of the log file, and of the console unless --quiet or --verbose say otherwise. */
  level: LogLevel;
  /** Log file path; absent, nothing is written to disk. */
  file?: string;
  /** Rotate when the file reaches this many bytes. */
  maxSize: number;
  /** Old files kept besides the current one (at least 1). */
  maxFiles: number;
  /** Console shows warnings and errors only. */
  quiet?: boolean;
  /** Console shows debug lines too; wins over `quiet`. */
  verbose?: boolean;
  /** stdout carries JSON: every human line goes to stderr. */
  json?: boolean;
  /** Values to redact from the first line on (keys, SMTP password, AWS secret). */
  secrets?: Iterable<string | undefined>;
  stdout?: ConsoleStream;
  stderr?: ConsoleStream;
}

type EventType = "error" | "warn" | "info" | "success" | "debug";

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const EVENT_LEVEL: Record<EventType, LogLevel> = {
  error: "error",
  warn: "warn",
  info: "info",
  success: "info",
  debug: "debug",
};
const CONSOLA_LEVEL: Record<LogLevel, number> = { error: 0, warn: 1, info: 3, debug: 4 };

/**
 * Creates the logger of one process: consola on the console (fancy on a terminal, plain
 * text when cron captures the output) and, when `file` is set, one line per event in a
 * log file rotated by size and by UTC day.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const redactor = new Redactor(opts.secrets);
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const consoleLevel = opts.verbose
    ? "debug"
    : opts.quiet
      ? minLevel(opts.level, "warn")
      : opts.level;

  // Errors and warnings go to stderr; the rest to stdout unless stdout is reserved for JSON.
  const toOut = createConsole(opts.json ? stderr : stdout, consoleLevel);
  const toErr = createConsole(stderr, consoleLevel);

  let file: LogFile | undefined;
  if (opts.file) {
    file = openLogFile(opts.file, opts.maxSize, opts.maxFiles, (message) =>
      toErr.warn(redactor.redact(message)),
    );
  }

  const emit = (type: EventType, msg: string) => {
    const text = stripControl(redactor.redact(String(msg)));
    if (RANK[EVENT_LEVEL[type]] <= RANK[opts.level]) file?.write(type, text);
    (type === "error" || type === "warn" ? toErr : toOut)[type](text);
  };

  return {
    error: (msg) => emit("error", msg),
    warn: (msg) => emit("warn", msg),
    info: (msg) => emit("info", msg),
    success: (msg) => emit("success", msg),
    debug: (msg) => emit("debug", msg),
    registerSecret: (value) => redactor.add(value),
    redact: (text) => redactor.redact(text),
    close: async () => {
      await file?.close();
      file = undefined;
    },
  };
}

/** The last line of `ssb run`: "ssb run: 3 uploaded, 1 skipped, 2 pruned, 1 failed in 4.2s". */
export function formatFinalLine(summary: RunSummary): string {
  const { uploaded, skipped, pruned, failed } = summary.counts;
  const took = formatDuration(summary.durationMs);
  if (summary.dryRun) {
    return `ssb run (dry run): ${uploaded} planned, ${skipped} skipped, ${pruned} to prune, ${failed} failed in ${took}`;
  }
  return `ssb run: ${uploaded} uploaded, ${skipped} skipped, ${pruned} pruned, ${failed} failed in ${took}`;
}

function minLevel(a: LogLevel, b: LogLevel): LogLevel {
  return RANK[a] <= RANK[b] ? a : b;
}

// A terminal gets consola's fancy reporter; anything else (cron mail, a pipe, a file) gets
// plain lines without colour or icons. The choice is per stream: stdout may be piped while
// stderr is still a terminal.
function createConsole(stream: ConsoleStream, level: LogLevel): ConsolaInstance {
  const fancy = stream.isTTY === true && process.env.TERM !== "dumb";
  const writable = stream as NodeJS.WriteStream;
  // `fancy` is read by consola's Node build; its browser typings do not list it.
  const options = {
    level: CONSOLA_LEVEL[level],
    fancy,
    ...(fancy ? {} : { reporters: [plainReporter] }),
    stdout: writable,
    stderr: writable,
    // Consola folds repeated lines after a delay; a backup log wants every line, in order.
    throttle: 0,
    formatOptions: { date: false, colors: fancy, compact: true },
  };
  return createConsola(options);
}

const PLAIN_PREFIX: Partial<Record<string, string>> = {
  error: "error: ",
  warn: "warning: ",
  debug: "debug: ",
};

const plainReporter: ConsolaReporter = {
  log(logObj: LogObject, ctx) {
    const message = logObj.args.map(String).join(" ");
    const stream = ctx.options.stdout ?? process.stdout;
    stream.write(`${PLAIN_PREFIX[logObj.type] ?? ""}${message}\n`);
  },
};

// Removes ANSI escape sequences and other control characters that a message may carry in
// from a library or a file name, so a terminal, a cron mail or a log line only ever shows
// text. Newlines and tabs stay.
function stripControl(text: string): string {
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, "");
}

interface LogFile {
  write(type: EventType, text: string): void;
  close(): Promise<void>;
}

// The file side: rotating-file-stream in logrotate style: `ssb.log` is written, old files
// are `ssb.log.1` (newest) to `ssb.log.<maxFiles>`. It rotates by size, and at local
// midnight while a process runs; cron processes are short, so a file last written on an
// earlier day is rotated here at start-up.
function openLogFile(
  file: string,
  maxSize: number,
  maxFiles: number,
  report: (message: string) => void,
): LogFile | undefined {
  const path = resolve(file);
  const folder = dirname(path);
  const keep = Math.max(1, Math.floor(maxFiles));
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    report(
      `Failed to create the log folder ${folder}: ${errorMessage(error)}; logging to the console only`,
    );
    return undefined;
  }
  try {
    rotateIfFromEarlierDay(path, keep);
  } catch (error) {
    report(`Failed to rotate the log file ${path}: ${errorMessage(error)}; appending to it`);
  }

  let failed = false;
  const stream: RotatingFileStream = createStream(basename(path), {
    path: folder + sep,
    size: `${Math.max(1, Math.floor(maxSize))}B`,
    interval: "1d",
    rotate: keep,
    mode: 0o600,
  });
  // A file created by an older version or by hand keeps its mode on open; tighten it.
  stream.on("open", (opened: string) => chmod(opened, 0o600, () => {}));
  stream.on("error", (error: Error) => {
    if (failed) return;
    failed = true;
    report(`Failed to write the log file ${path}: ${error.message}; logging to the console only`);
  });

  return {
    write(type, text) {
      if (failed || stream.destroyed || stream.writableEnded) return;
      const level = EVENT_LEVEL[type].toUpperCase().padEnd(5);
      const line = text.replace(/\r?\n/g, "\\n");
      stream.write(`${new Date().toISOString()} ${level} ${line}\n`);
    },
    close() {
      return new Promise((done) => {
        if (stream.destroyed || stream.writableFinished) return done();
        stream.once("close", () => done());
        stream.once("error", () => done());
        stream.end();
      });
    },
  };
}

function rotateIfFromEarlierDay(path: string, keep: number): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (stats.size === 0 || stats.mtime.toDateString() === new Date().toDateString()) return;
  for (let i = keep - 1; i >= 1; i--) {
    if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  }
  renameSync(path, `${path}.1`);
}
