/**
 * The release binaries as an operator gets them: built by scripts/build.sh into dist/,
 * served over HTTP, installed by install.sh, and run with an environment as bare as
 * cron's, where no Node.js or Bun can be found.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");
export const DIST = join(ROOT, "dist");
export const INSTALL_SH = join(ROOT, "install.sh");
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;

/** What a finished child process said. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` with exactly `env` (nothing inherited) in `cwd`, stdin closed. */
export async function run(
  cmd: string[],
  opts: { env: Record<string, string>; cwd: string },
): Promise<Run> {
  const child = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** Runs scripts/build.sh for `targets` (all of them when empty); throws with its output on failure. */
export async function buildRelease(targets: string[]): Promise<void> {
  const result = await run(["bash", join(ROOT, "scripts/build.sh"), ...targets], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
    cwd: ROOT,
  });
  if (result.code !== 0) {
    throw new Error(
      `scripts/build.sh ${targets.join(" ")} failed with exit ${result.code}:\n${result.stderr}`,
    );
  }
}

/**
 * dist/ssb-linux-x64, built by scripts/build.sh unless the one already there is current:
 * newer than every file and folder under src/ (a folder's time changes when a file in it
 * is added, removed or renamed), package.json, package-lock.json, tsconfig.json and
 * scripts/build.sh, and listed with its real hash in dist/SHA256SUMS.
 */
export async function linuxX64Binary(): Promise<string> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `these tests run the linux-x64 release binary; this machine is ${process.platform}-${process.arch}`,
    );
  }
  const binary = join(DIST, "ssb-linux-x64");
  if (!(await isCurrent(binary))) await buildRelease(["linux-x64"]);
  return binary;
}

async function isCurrent(binary: string): Promise<boolean> {
  const built = statSync(binary, { throwIfNoEntry: false });
  if (!built) return false;
  const inputs = ["package.json", "package-lock.json", "tsconfig.json", "scripts/build.sh"].map(
    (p) => join(ROOT, p),
  );
  const newest = Math.max(
    newestUnder(join(ROOT, "src")),
    ...inputs.map((p) => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0),
  );
  if (built.mtimeMs <= newest) return false;
  const listed = sha256Listed(join(DIST, "SHA256SUMS"), "ssb-linux-x64");
  return listed !== undefined && listed === (await sha256File(binary));
}

function newestUnder(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The hash a SHA256SUMS file lists for `name`, if any. */
export function sha256Listed(sumsFile: string, name: string): string | undefined {
  if (!existsSync(sumsFile)) return undefined;
  for (const line of readFileSync(sumsFile, "utf8").split("\n")) {
    const [hash, file] = line.trim().split(/\s+\*?/);
    if (file === name) return hash;
  }
  return undefined;
}

export async function sha256File(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

/**
 * Serves `files` by name on 127.0.0.1 (a free port), like a release download folder;
 * anything else is a 404. Returns the base URL; `stop()` it when done.
 */
export function serveFiles(files: Record<string, Blob | string>): {
  url: string;
  stop: () => void;
} {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const body = files[decodeURIComponent(new URL(request.url).pathname.slice(1))];
      return body === undefined ? new Response("not found\n", { status: 404 }) : new Response(body);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/**
 * A folder for PATH that holds a few ordinary system tools and nothing else. This machine
 * has node in /usr/bin, so cron's usual PATH=/usr/bin:/bin would reach it; this one
 * cannot reach node or bun, and `extra` can shadow or add tools (a fake `uname`).
 */
export function bareToolsDir(
  dir: string,
  tools: string[],
  extra: Record<string, string> = {},
): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const found = Bun.which(tool, { PATH: "/usr/bin:/bin" });
    if (!found) throw new Error(`test setup: ${tool} is not installed in /usr/bin or /bin`);
    if (!(tool in extra)) symlinkSync(found, join(dir, tool));
  }
  for (const [name, script] of Object.entries(extra)) {
    writeFileSync(join(dir, name), script, { mode: 0o755 });
  }
  return dir;
}

/** The tools install.sh uses. */
export const INSTALL_TOOLS = [
  "sh",
  "uname",
  "id",
  "mktemp",
  "curl",
  "awk",
  "cut",
  "sha256sum",
  "mkdir",
  "cp",
  "chmod",
  "mv",
  "rm",
  "cat",
];
