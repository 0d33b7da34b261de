import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRelease, DIST, run, sha256File, VERSION } from "./release.ts";

// The full release build: four targets, three of them with a runtime Bun fetches from the
// npm registry the first time (about 25 s then, about 15 s from its cache).
setDefaultTimeout(600_000);

const TARGETS = {
  "linux-x64": /ELF 64-bit LSB executable, x86-64/,
  "linux-arm64": /ELF 64-bit LSB executable, ARM aarch64/,
  "darwin-x64": /Mach-O 64-bit x86_64 executable/,
  "darwin-arm64": /Mach-O 64-bit arm64 executable/,
};

beforeAll(() => buildRelease([]), 600_000);

test("scripts/build.sh makes an executable for each of the four platforms, as `file` sees them", async () => {
  for (const [target, kind] of Object.entries(TARGETS)) {
    const result = await run(["file", "-b", join(DIST, `ssb-${target}`)], {
      env: { PATH: "/usr/bin:/bin" },
      cwd: DIST,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(kind);
  }
});

test("SHA256SUMS lists every binary of a full build under its bare name with its real hash", async () => {
  const lines = readFileSync(join(DIST, "SHA256SUMS"), "utf8").trim().split("\n");
  const expected = await Promise.all(
    Object.keys(TARGETS).map(
      async (target) => `${await sha256File(join(DIST, `ssb-${target}`))}  ssb-${target}`,
    ),
  );
  expect(lines.sort()).toEqual(expected.sort());
});

// Runs only where qemu-user and an arm64 glibc are installed (Debian: qemu-user,
// libc6-arm64-cross); it shows that the cross-built bytecode loads on another CPU.
const ARM64_ROOT = "/usr/aarch64-linux-gnu";
const qemu = Bun.which("qemu-aarch64");
test.skipIf(!qemu || !existsSync(ARM64_ROOT))(
  "the linux-arm64 binary starts under qemu and prints the version",
  async () => {
    const result = await run(
      [qemu!, "-L", ARM64_ROOT, join(DIST, "ssb-linux-arm64"), "--version"],
      {
        env: { PATH: "/usr/bin:/bin" },
        cwd: "/",
      },
    );
    expect(result.stdout.trim()).toBe(VERSION);
    expect(result.code).toBe(0);
  },
);
