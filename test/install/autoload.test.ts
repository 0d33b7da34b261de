import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../helpers/tmp.ts";
import { bareToolsDir, linuxX64Binary, ROOT, run } from "./release.ts";

// A compiled Bun program reads .env and bunfig.toml from the folder it runs in unless it
// was built with --no-compile-autoload-dotenv / --no-compile-autoload-bunfig. ssb loads its
// env file itself, with dotenvx, which also decrypts; a .env that Bun loaded first would
// win over the file ssb picked, or put still-encrypted values into the environment.

setDefaultTimeout(120_000);

const tmp = makeTempDir("ssb-autoload-");
const stray = join(tmp, "stray");
const marker = join(tmp, "preload-ran");
let binary: string;
let path: string;

beforeAll(async () => {
  binary = await linuxX64Binary();
  path = bareToolsDir(join(tmp, "path"), ["sh"]);

  // A folder holding what must have no effect: a .env that names a key id nobody has and
  // adds a second key, and a bunfig.toml whose preload would announce itself.
  mkdirSync(stray);
  writeFileSync(join(stray, ".env"), `PRIMARY_KEY=bogus\nKEY_STRAY=${"ab".repeat(32)}\n`);
  writeFileSync(
    join(stray, "preload.ts"),
    `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "");\nconsole.log("PRELOADED");\n`,
  );
  writeFileSync(join(stray, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
}, 300_000);

test("the release binary ignores a .env and a bunfig.toml in the folder it runs in", async () => {
  const etc = join(tmp, "etc");
  mkdirSync(etc);
  const config = join(etc, "config.toml");
  writeFileSync(
    config,
    '[s3]\nbucket = "b"\n[[jobs]]\nname = "a"\npath = "/etc/hostname"\ns3KeyPrefix = "a/"\n',
  );
  const envFile = join(etc, "ssb.env");
  writeFileSync(envFile, `KEY_V1=${"cd".repeat(32)}\nPRIMARY_KEY=v1\n`, { mode: 0o600 });

  const result = await run([binary, "check", "--config", config, "--env-file", envFile], {
    env: { PATH: path },
    cwd: stray,
  });
  const output = result.stdout + result.stderr;
  expect(output).toContain("keys: v1 (primary)");
  expect(output).not.toContain("bogus");
  expect(output).not.toContain("stray");
  expect(output).not.toContain("PRELOADED");
  expect(existsSync(marker)).toBe(false);
  expect(result.code).toBe(0);
});

test("a Bun program compiled without those flags does read them, so the test above can fail", async () => {
  const source = join(tmp, "probe.ts");
  writeFileSync(source, 'console.log(`PRIMARY_KEY=${process.env.PRIMARY_KEY ?? "unset"}`);\n');
  const probe = join(tmp, "probe");
  const built = await run([process.execPath, "build", "--compile", source, "--outfile", probe], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
    cwd: ROOT,
  });
  expect(built.code).toBe(0);

  const result = await run([probe], { env: { PATH: path }, cwd: stray });
  expect(result.stdout).toContain("PRIMARY_KEY=bogus");
  expect(result.stdout).toContain("PRELOADED");
});
