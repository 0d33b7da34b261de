/** Temporary directories that clean up after the test file that made them. */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Creates a fresh directory under the system temp folder, named `<prefix>XXXXXX`, and
 * deletes it with everything in it once the current test file has finished. Works at the
 * top level of a file as well as inside hooks and tests.
 */
export function makeTempDir(prefix = "ssb-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
