import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useMinio } from "../helpers/minio.ts";
import { makeTempDir } from "../helpers/tmp.ts";
import {
  bareToolsDir,
  DIST,
  INSTALL_SH,
  INSTALL_TOOLS,
  linuxX64Binary,
  run,
  serveFiles,
  sha256File,
  VERSION,
} from "./release.ts";

// Building the binary takes a few seconds, a MinIO server longer the first time.
setDefaultTimeout(300_000);

let binary: string;
let baseUrl: string;
const servers: Array<{ stop: () => void }> = [];
const tmp = makeTempDir("ssb-install-");

/** Serves `files` until this test file ends; returns the base URL. */
function serve(files: Record<string, Blob | string>): string {
  const server = serveFiles(files);
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  binary = await linuxX64Binary();
  baseUrl = serve({
    "ssb-linux-x64": Bun.file(binary),
    SHA256SUMS: Bun.file(join(DIST, "SHA256SUMS")),
  });
}, 300_000);

afterAll(() => {
  for (const server of servers) server.stop();
});

// dash, where installed, is a strict POSIX sh, so bash-only syntax in install.sh fails here.
const POSIX_SH = Bun.which("dash") ?? "/bin/sh";
let installs = 0;

/** Runs install.sh with a POSIX sh from `/`, with PATH holding only `tools`. */
async function install(
  env: Record<string, string>,
  opts: { extraTools?: Record<string, string>; tools?: string[] } = {},
) {
  installs += 1;
  const home = join(tmp, `home-${installs}`);
  const path = bareToolsDir(join(home, "tools"), opts.tools ?? INSTALL_TOOLS, opts.extraTools);
  return run([POSIX_SH, INSTALL_SH], { env: { PATH: path, HOME: home, ...env }, cwd: "/" });
}

describe("install.sh and the installed binary", () => {
  test("installs the served binary and it backs up and restores a file as cron runs it, without Node.js or Bun", async () => {
    const minio = await useMinio();
    const bucket = await minio.newBucket();
    const work = join(tmp, "e2e");
    const installDir = join(work, "bin");

    const installed = await install({ SSB_BASE_URL: baseUrl, SSB_INSTALL_DIR: installDir });
    expect(installed.stderr).toContain(`installed ssb ${VERSION} in ${installDir}/ssb`);
    expect(installed.code).toBe(0);
    const ssb = join(installDir, "ssb");
    expect(statSync(ssb).mode & 0o777).toBe(0o755);
    expect(await sha256File(ssb)).toBe(await sha256File(binary));
    expect(readdirSync(installDir)).toEqual(["ssb"]);
    for (const hint of [
      "ssb keygen",
      "config.toml",
      "chmod 600",
      "ssb check",
      `*/15 * * * * ${ssb} run --quiet`,
    ]) {
      expect(installed.stdout).toContain(hint);
    }

    // Cron's conditions: working folder /, an empty environment but for PATH and the S3
    // settings, and a PATH from which neither node nor bun can be reached.
    const path = bareToolsDir(join(work, "cron-path"), ["sh", "cat", "ls", "id"]);
    expect(Bun.which("node", { PATH: path })).toBeNull();
    expect(Bun.which("bun", { PATH: path })).toBeNull();
    const { SSB_TEST_BUCKET: _, ...s3 } = minio.env(bucket);
    const cronEnv = [
      `PATH=${path}`,
      ...Object.entries(s3).map(([name, value]) => `${name}=${value}`),
    ];
    const cron = (args: string[]) =>
      run(["/usr/bin/env", "-i", ...cronEnv, ssb, ...args], { env: {}, cwd: "/" });

    const key = await cron(["keygen"]);
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);

    // The keys live in the env file beside the config, where ssb finds it on its own.
    const etc = join(work, "etc");
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, ".env"), `KEY_V1=${key.stdout.trim()}\nPRIMARY_KEY=v1\n`, {
      mode: 0o600,
    });
    const secret = join(work, "data", "secret.bin");
    mkdirSync(join(work, "data"));
    const content = randomBytes(200_000 + Math.floor(Math.random() * 100_000));
    writeFileSync(secret, content);
    const config = join(etc, "config.toml");
    writeFileSync(
      config,
      [
        "[s3]",
        `bucket = "${bucket}"`,
        "[logging]",
        `file = "${join(work, "log", "ssb.log")}"`,
        "[[jobs]]",
        'name = "secret"',
        `path = "${secret}"`,
        's3KeyPrefix = "secret/"',
        'policy = { frequency = "daily", retentionCount = 3 }',
        "",
      ].join("\n"),
    );

    const backedUp = await cron(["run", "--config", config]);
    expect(backedUp.code).toBe(0);

    const restoredDir = join(work, "restored");
    mkdirSync(restoredDir);
    const restored = await cron([
      "restore",
      "secret",
      "--config",
      config,
      "--to",
      `${restoredDir}/`,
    ]);
    expect(restored.code).toBe(0);
    const restoredFile = join(restoredDir, "secret.bin");
    expect(Buffer.compare(readFileSync(restoredFile), content)).toBe(0);
    expect(statSync(restoredFile).mode & 0o777).toBe(0o600);
  });

  test("refuses a binary whose checksum does not match SHA256SUMS, and installs nothing", async () => {
    const wrongHash = new Bun.CryptoHasher("sha256").update("not the binary").digest("hex");
    const url = serve({
      "ssb-linux-x64": Bun.file(binary),
      SHA256SUMS: `${wrongHash}  ssb-linux-x64\n`,
    });
    const installDir = join(tmp, "mismatch");
    mkdirSync(installDir);

    const result = await install({ SSB_BASE_URL: url, SSB_INSTALL_DIR: installDir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("checksum did not match for ssb-linux-x64");
    expect(result.stderr).toContain("refusing to install");
    expect(readdirSync(installDir)).toEqual([]);
  });

  test("refuses when SHA256SUMS has no entry for this platform's binary", async () => {
    const hash = await sha256File(binary);
    const url = serve({
      "ssb-linux-x64": Bun.file(binary),
      SHA256SUMS: `${hash}  ssb-darwin-arm64\n`,
    });
    const installDir = join(tmp, "no-entry");

    const result = await install({ SSB_BASE_URL: url, SSB_INSTALL_DIR: installDir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("SHA256SUMS from");
    expect(result.stderr).toContain("has no entry for ssb-linux-x64");
    expect(existsSync(installDir)).toBe(false);
  });

  test("running it again replaces an older ssb in place and says which versions", async () => {
    const installDir = join(tmp, "upgrade");
    mkdirSync(installDir);
    writeFileSync(join(installDir, "ssb"), "#!/bin/sh\necho 0.0.1\n", { mode: 0o755 });

    const result = await install({ SSB_BASE_URL: baseUrl, SSB_INSTALL_DIR: installDir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`upgraded ssb 0.0.1 to ${VERSION}`);
    expect(readdirSync(installDir)).toEqual(["ssb"]);
    expect(await sha256File(join(installDir, "ssb"))).toBe(await sha256File(binary));
  });

  test("downloads with wget when curl is not installed", async () => {
    const installDir = join(tmp, "wget");
    const tools = [...INSTALL_TOOLS.filter((tool) => tool !== "curl"), "wget"];

    const result = await install({ SSB_BASE_URL: baseUrl, SSB_INSTALL_DIR: installDir }, { tools });
    expect(result.code).toBe(0);
    expect(await sha256File(join(installDir, "ssb"))).toBe(await sha256File(binary));
  });

  test("refuses an architecture there is no build for, before downloading anything", async () => {
    const installDir = join(tmp, "riscv");
    const fakeUname = '#!/bin/sh\ncase "$1" in -m) echo riscv64 ;; *) echo Linux ;; esac\n';

    const result = await install(
      { SSB_BASE_URL: "http://127.0.0.1:9", SSB_INSTALL_DIR: installDir },
      { extraTools: { uname: fakeUname } },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      "this machine is riscv64; ssb is built for x86_64 (amd64) and aarch64 (arm64) only",
    );
    expect(result.stderr).not.toContain("downloading");
  });
});
