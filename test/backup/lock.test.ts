import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireRunLock, defaultLockPath, type RunLock } from "../../src/backup/lock.ts";
import { ExitCode, SsbError } from "../../src/errors.ts";

const lockModule = join(import.meta.dir, "../../src/backup/lock.ts");
const root = mkdtempSync(join(tmpdir(), "ssb-lock-test-"));
let count = 0;
const freshPath = () => join(root, `case-${++count}`, "ssb", "run.lock");

const held: RunLock[] = [];
const children: Bun.Subprocess[] = [];

afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  for (const child of children.splice(0)) child.kill("SIGKILL");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function acquire(path: string): RunLock {
  const lock = acquireRunLock(path);
  held.push(lock);
  return lock;
}

/** Runs `bun -e` with the lock module imported as `lock`. */
function spawnBun(code: string): Bun.Subprocess<"ignore", "pipe", "pipe"> {
  const script = `const lock = await import(${JSON.stringify(lockModule)});\n${code}`;
  const child = Bun.spawn([process.execPath, "-e", script], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  children.push(child);
  return child;
}

/** A child that takes the lock, says "held" and waits to be killed. */
async function holdInChild(path: string): Promise<Bun.Subprocess> {
  const child = spawnBun(
    `lock.acquireRunLock(${JSON.stringify(path)});
     console.log("held");
     setInterval(() => {}, 1000);`,
  );
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  expect(new TextDecoder().decode(value)).toContain("held");
  return child;
}

/** A child that tries the lock once and exits with the error's exit code. */
async function tryInChild(path: string): Promise<{ exitCode: number; stderr: string }> {
  const child = spawnBun(
    `try { lock.acquireRunLock(${JSON.stringify(path)}).release(); }
     catch (error) { console.error(error.message); process.exit(error.exitCode ?? 1); }`,
  );
  const exitCode = await child.exited;
  return { exitCode, stderr: await new Response(child.stderr).text() };
}

describe("acquireRunLock", () => {
  test("a second run in another process fails with exit code 3 naming my pid", async () => {
    const path = freshPath();
    acquire(path);

    const { exitCode, stderr } = await tryInChild(path);
    expect(exitCode).toBe(ExitCode.locked);
    expect(stderr).toContain(`another ssb run (pid ${process.pid}, started `);
    expect(stderr).toContain(`holds the lock ${path}; wait for it to finish`);
  });

  test("a lock held by another process is refused here with exit code 3", async () => {
    const path = freshPath();
    const child = await holdInChild(path);

    let error: unknown;
    try {
      acquire(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SsbError);
    expect((error as SsbError).exitCode).toBe(ExitCode.locked);
    const stamp = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;
    expect((error as SsbError).message).toMatch(
      new RegExp(
        String.raw`^another ssb run \(pid ${child.pid}, started ${stamp}\) holds the lock `,
      ),
    );
  });

  test("a lock left by a run killed with SIGKILL is taken over", async () => {
    const path = freshPath();
    const child = await holdInChild(path);
    expect(() => acquire(path)).toThrow(SsbError);

    child.kill("SIGKILL");
    await child.exited;

    const lock = acquire(path);
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  test("a released lock can be taken again, and released twice harmlessly", () => {
    const path = freshPath();
    const first = acquire(path);
    first.release();
    first.release();

    const second = acquire(path);
    expect(second.path).toBe(path);
  });

  test("a second acquire in the same process is refused too", () => {
    const path = freshPath();
    acquire(path);
    expect(() => acquireRunLock(path)).toThrow(/holds the lock/);
  });

  test("the lock file names the holder, and is emptied on release", () => {
    const path = freshPath();
    const lock = acquire(path);
    const holder = JSON.parse(readFileSync(path, "utf8"));
    expect(holder.pid).toBe(process.pid);
    expect(typeof holder.host).toBe("string");
    expect(holder.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    lock.release();
    expect(readFileSync(path, "utf8")).toBe("");
  });

  test("missing parent directories are created private to the user", () => {
    const path = freshPath();
    acquire(path);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("a lock directory other users may write to is refused", () => {
    const path = freshPath();
    acquire(path).release();
    chmodSync(join(path, ".."), 0o777);
    expect(() => acquire(path)).toThrow(/writable by other users/);
  });
});

describe("defaultLockPath", () => {
  test("is one private lock per config file, under /run for root (where other users cannot plant it) and /tmp otherwise", () => {
    const path = defaultLockPath("/etc/secure-s3-backup/config.toml");
    const uid = process.getuid!();
    const folder = uid === 0 ? "/(var/)?run/ssb" : `/tmp/ssb-${uid}`;
    expect(path).toMatch(new RegExp(`^${folder}/run-[0-9a-f]{16}\\.lock$`));
  });

  test("the same config gives the same path, another config another path", () => {
    const a = defaultLockPath("/etc/secure-s3-backup/config.toml");
    expect(defaultLockPath("/etc/secure-s3-backup/../secure-s3-backup/config.toml")).toBe(a);
    expect(defaultLockPath("/etc/secure-s3-backup/config.json")).not.toBe(a);
  });
});
