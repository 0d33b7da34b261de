import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const made: string[] = [];

/**
 * Remove every folder `tempTree` made so far. Each test file registers it with `afterAll`:
 * this module is loaded once for all files, so a hook registered here would run only once.
 */
export async function removeTempTrees(): Promise<void> {
  const dirs = made.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A fresh folder holding `files` (path relative to it → content); see `removeTempTrees`. */
export async function tempTree(files: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "ssb-config-"));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** The error `run` throws (or rejects with); fails the test when it does not throw. */
export async function thrown(run: () => unknown): Promise<Error & { exitCode?: number }> {
  try {
    await run();
  } catch (error) {
    return error as Error & { exitCode?: number };
  }
  throw new Error("expected an error, but none was thrown");
}

/** The smallest config that loads, plus `extra` TOML. */
export function toml(extra = ""): string {
  return `[s3]\nbucket = "acme-backups"\n${extra}`;
}
