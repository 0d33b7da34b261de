/** One `ssb run` per config at a time: a second one refuses at once with exit 3. */
import { afterEach, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { lines, newWorkspace, tomlConfig } from "./cli.ts";

const HOLDER = join(import.meta.dir, "fixtures/hold-lock.ts");

let holder: ReturnType<typeof Bun.spawn> | undefined;
afterEach(() => {
  holder?.kill("SIGKILL");
  holder = undefined;
});

/** Starts a process that holds the run lock of `configFile`; resolves once it does. */
async function holdLock(configFile: string): Promise<ReturnType<typeof Bun.spawn>> {
  const child = Bun.spawn([process.execPath, "--no-env-file", HOLDER, configFile], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  if (new TextDecoder().decode(value) !== "locked\n")
    throw new Error("the lock holder did not start");
  return child;
}

test("a second ssb run exits 3 at once naming the holder's pid, and runs once the holder is killed", async () => {
  const ws = await newWorkspace();
  ws.write("secret.env", "TOKEN=1\n");
  const body =
    '[logging]\nfile = "log/ssb.log"\n\n[[jobs]]\nname = "secret"\npath = "secret.env"\n';
  const config = ws.write("config.toml", tomlConfig(ws.bucket, body));
  holder = await holdLock(config);

  const refused = await ws.ssb(["run", "--config", "config.toml"]);

  expect(refused.code).toBe(3);
  const errors = lines(refused.stderr);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(
    new RegExp(
      `^error: another ssb run \\(pid ${holder.pid}, started .*\\) holds the lock /.*/run-[0-9a-f]{16}\\.lock; wait for it to finish$`,
    ),
  );
  expect(refused.ms).toBeLessThan(10_000);
  expect(await ws.objects()).toEqual([]);
  // Under cron the log file may be the only record: the refusal is there too.
  expect(await readFile(join(ws.dir, "log/ssb.log"), "utf8")).toContain(
    `another ssb run (pid ${holder.pid}`,
  );

  // kill -9 leaves the lock file behind, but the kernel has dropped the lock with the process.
  holder.kill("SIGKILL");
  await holder.exited;

  const next = await ws.ssb(["run", "--config", "config.toml"]);

  expect(next.code).toBe(0);
  expect(await ws.objects()).toHaveLength(1);
});

test("a dry run does not wait for the lock: it changes nothing, so it may run beside a real one", async () => {
  const ws = await newWorkspace();
  ws.write("secret.env", "TOKEN=1\n");
  const config = ws.write(
    "config.toml",
    tomlConfig(ws.bucket, '[[jobs]]\nname = "secret"\npath = "secret.env"\n'),
  );
  holder = await holdLock(config);

  const result = await ws.ssb(["run", "--dry-run", "--config", "config.toml"]);

  expect(result.code).toBe(0);
  expect(await ws.objects()).toEqual([]);
});
