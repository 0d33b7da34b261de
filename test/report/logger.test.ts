import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, formatFinalLine, type ConsoleStream } from "../../src/report/logger.ts";
import { failed, makeSummary, uploaded } from "./fixtures/summary.ts";

const BUN = process.execPath;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ssb-log-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A non-TTY console stream that keeps what was written. */
function capture(): ConsoleStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY: false,
    write: (chunk: string) => chunks.push(chunk),
    text: () => chunks.join(""),
  };
}

describe("log file", () => {
  test("rotation by size keeps the configured number of old files", async () => {
    const file = join(dir, "ssb.log");
    const log = createLogger({
      level: "info",
      file,
      maxSize: 1024,
      maxFiles: 3,
      stdout: capture(),
      stderr: capture(),
    });
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${"x".repeat(60)}`);
    await log.close();

    const names = (await readdir(dir)).sort();
    expect(names).toEqual(["ssb.log", "ssb.log.1", "ssb.log.2", "ssb.log.3"]);
    for (const name of names) expect((await stat(join(dir, name))).size).toBeLessThan(1024 + 100);
    // logrotate order: the live file holds the newest lines, .1 the next, .3 the oldest kept.
    const first = async (name: string) =>
      Number(/line (\d+)/.exec(await readFile(join(dir, name), "utf8"))?.[1]);
    expect(await readFile(join(dir, "ssb.log"), "utf8")).toContain("line 199 ");
    expect(await first("ssb.log.1")).toBeGreaterThan(await first("ssb.log.2"));
    expect(await first("ssb.log.2")).toBeGreaterThan(await first("ssb.log.3"));
  });

  test("a log file last written on an earlier day is rotated when the next run starts", async () => {
    const file = join(dir, "ssb.log");
    await writeFile(file, "2026-01-01T00:00:00.000Z INFO  yesterday\n");
    await writeFile(`${file}.1`, "older\n");
    const yesterday = new Date(Date.now() - 86_400_000);
    await utimes(file, yesterday, yesterday);

    const log = createLogger({
      level: "info",
      file,
      maxSize: 1 << 20,
      maxFiles: 3,
      stdout: capture(),
      stderr: capture(),
    });
    log.info("today");
    await log.close();

    expect(await readFile(file, "utf8")).toMatch(/INFO  today\n$/);
    expect(await readFile(`${file}.1`, "utf8")).toContain("yesterday");
    expect(await readFile(`${file}.2`, "utf8")).toBe("older\n");
  });

  test("writes one line per event with an ISO timestamp, the level and the message", async () => {
    const file = join(dir, "ssb.log");
    const log = createLogger({
      level: "info",
      file,
      maxSize: 1 << 20,
      maxFiles: 2,
      stdout: capture(),
      stderr: capture(),
    });
    log.info("first");
    log.warn("two\nlines");
    log.debug("not at info level");
    await log.close();

    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z INFO  first$/);
    expect(lines[1]).toMatch(/^\S+Z WARN  two\\nlines$/);
  });

  test("creates the log folder private to the owner and the file readable by the owner only", async () => {
    const file = join(dir, "var", "log", "ssb", "ssb.log");
    const log = createLogger({
      level: "info",
      file,
      maxSize: 1 << 20,
      maxFiles: 2,
      stdout: capture(),
      stderr: capture(),
    });
    log.info("hello");
    await log.close();

    expect((await stat(join(dir, "var", "log", "ssb"))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test("keeps info lines in the file when --quiet hides them on the console", async () => {
    const file = join(dir, "ssb.log");
    const out = capture();
    const err = capture();
    const log = createLogger({
      level: "info",
      file,
      maxSize: 1 << 20,
      maxFiles: 2,
      quiet: true,
      stdout: out,
      stderr: err,
    });
    log.info("uploaded api-keys");
    log.warn("job x skipped");
    await log.close();

    expect(out.text()).toBe("");
    expect(err.text()).toBe("warning: job x skipped\n");
    expect(await readFile(file, "utf8")).toContain("INFO  uploaded api-keys");
  });
});

describe("redaction", () => {
  const key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  test("a registered key never reaches the log file or the console", async () => {
    const file = join(dir, "ssb.log");
    const out = capture();
    const err = capture();
    const log = createLogger({
      level: "debug",
      file,
      maxSize: 1 << 20,
      maxFiles: 2,
      verbose: true,
      secrets: [key],
      stdout: out,
      stderr: err,
    });
    log.registerSecret("hunter2-smtp-pass");
    log.debug(`loaded key v1 = ${key}`);
    log.info(`same key upper-case ${key.toUpperCase()}`);
    log.error("535 auth failed for pass hunter2-smtp-pass");
    await log.close();

    const written = (await readFile(file, "utf8")) + out.text() + err.text();
    expect(written).not.toContain(key);
    expect(written).not.toContain(key.toUpperCase());
    expect(written).not.toContain("hunter2-smtp-pass");
    expect(written.match(/\[redacted\]/g)).toHaveLength(6);
    expect(log.redact(`{"error":"pass hunter2-smtp-pass, key ${key}"}`)).toBe(
      '{"error":"pass [redacted], key [redacted]"}',
    );
  });

  test("the password inside a registered SMTP_URL is redacted on its own too", async () => {
    const out = capture();
    const log = createLogger({
      level: "info",
      maxSize: 1 << 20,
      maxFiles: 2,
      stdout: out,
      stderr: capture(),
    });
    log.registerSecret("smtp://mailer:p%40ss-w0rd!@smtp.example.com:587");
    log.info("server said: bad password p@ss-w0rd! / p%40ss-w0rd!");
    await log.close();

    expect(out.text()).toBe("server said: bad password [redacted] / [redacted]\n");
  });
});

describe("console", () => {
  test("prints plain lines without ANSI escape codes when stdout is not a terminal", () => {
    const child = Bun.spawnSync([BUN, join(import.meta.dir, "fixtures", "log-child.ts")], {
      env: { ...process.env, FORCE_COLOR: "1", TERM: "xterm-256color" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = child.stdout.toString();
    const stderr = child.stderr.toString();

    expect(child.exitCode).toBe(0);
    expect(stdout + stderr).not.toMatch(/\u001b/);
    expect(stdout).toBe(
      "info line with `backticks` and _underscores_\nsuccess line\ndebug: debug line\n",
    );
    expect(stderr).toBe("warning: warn line\nerror: error line\n");
  });

  test("with --json every human line goes to stderr and stdout stays empty", () => {
    const out = capture();
    const err = capture();
    const log = createLogger({
      level: "info",
      maxSize: 1 << 20,
      maxFiles: 2,
      json: true,
      stdout: out,
      stderr: err,
    });
    log.info("listing bucket");
    log.success("done");
    log.warn("careful");

    expect(out.text()).toBe("");
    expect(err.text()).toBe("listing bucket\ndone\nwarning: careful\n");
  });

  test("--verbose adds debug lines that the configured level hides", () => {
    const quietOut = capture();
    createLogger({
      level: "info",
      maxSize: 1,
      maxFiles: 1,
      stdout: quietOut,
      stderr: capture(),
    }).debug("detail");
    const verboseOut = capture();
    createLogger({
      level: "info",
      maxSize: 1,
      maxFiles: 1,
      verbose: true,
      stdout: verboseOut,
      stderr: capture(),
    }).debug("detail");

    expect(quietOut.text()).toBe("");
    expect(verboseOut.text()).toBe("debug: detail\n");
  });
});

describe("formatFinalLine", () => {
  test("says what was uploaded, skipped, pruned and failed, and how long it took", () => {
    const notDue = { job: "nd", outcome: "not-due" as const, durationMs: 1, pruned: [] };
    const summary = makeSummary([uploaded("a"), uploaded("b"), uploaded("c"), notDue, failed()]);
    summary.counts.pruned = 2;
    expect(formatFinalLine(summary)).toBe(
      "ssb run: 3 uploaded, 1 skipped, 2 pruned, 1 failed in 4.2s",
    );
  });

  test("says planned instead of uploaded in a dry run", () => {
    const summary = makeSummary([{ ...uploaded(), outcome: "planned" }], {
      dryRun: true,
      durationMs: 380,
    });
    expect(formatFinalLine(summary)).toBe(
      "ssb run (dry run): 1 planned, 0 skipped, 1 to prune, 0 failed in 0.4s",
    );
  });
});
