import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BunPlugin } from "bun";
import { makeTempDir } from "../helpers/tmp.ts";
import { bareToolsDir, ROOT, run, VERSION } from "./release.ts";

// `ssb --help` and `ssb --version` must not evaluate the S3 SDK, the mailer or the
// templates. To see what a compiled binary evaluates, this file builds the release binary
// once more, with the same bundling flags as scripts/build.sh plus one plugin: every
// module of those heavy packages gets a last line that prints `ssb-probe: <name>` when the
// module is evaluated. The shipped binary has no such line.

setDefaultTimeout(120_000);

const HEAVY: Record<string, RegExp> = {
  "S3 SDK": /\/node_modules\/@(aws-sdk|smithy)\/.*\.(m?js|cjs)$/,
  nodemailer: /\/node_modules\/nodemailer\/.*\.(m?js|cjs)$/,
  eta: /\/node_modules\/eta\/.*\.(m?js|cjs)$/,
  "src/store": /\/src\/store\/[^/]+\.ts$/,
  "src/report/mail.ts": /\/src\/report\/mail\.ts$/,
  "src/report/html.ts": /\/src\/report\/html\.ts$/,
};
const ANY_HEAVY = new RegExp(
  Object.values(HEAVY)
    .map((pattern) => `(?:${pattern.source})`)
    .join("|"),
);

const tmp = makeTempDir("ssb-startup-");
const probe = join(tmp, "ssb-probe");
const instrumented = new Map<string, number>();
let path: string;

const probePlugin: BunPlugin = {
  name: "ssb-probe",
  setup(build) {
    build.onLoad({ filter: ANY_HEAVY }, async (args) => {
      const name = Object.keys(HEAVY).find((key) => HEAVY[key]!.test(args.path))!;
      instrumented.set(name, (instrumented.get(name) ?? 0) + 1);
      const source = await Bun.file(args.path).text();
      const probeLine = `\n;process.stderr.write(${JSON.stringify(`ssb-probe: ${name}\n`)});\n`;
      return { contents: source + probeLine, loader: args.path.endsWith(".ts") ? "ts" : "js" };
    });
  },
};

beforeAll(async () => {
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src/cli/main.ts")],
    compile: {
      target: "bun-linux-x64-baseline",
      outfile: probe,
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    minify: true,
    splitting: true,
    bytecode: true,
    format: "esm",
    plugins: [probePlugin],
  });
  if (!result.success) throw new AggregateError(result.logs, "building the probe binary failed");
  path = bareToolsDir(join(tmp, "path"), ["sh"]);
}, 120_000);

test("the probe build holds instrumented modules of every heavy package", () => {
  for (const name of Object.keys(HEAVY)) expect(instrumented.get(name) ?? 0).toBeGreaterThan(0);
});

test("ssb --version and ssb --help evaluate no S3, mail or template code", async () => {
  const version = await run([probe, "--version"], { env: { PATH: path }, cwd: "/" });
  expect(version.stdout.trim()).toBe(VERSION);
  expect(version.stderr).not.toContain("ssb-probe");

  const help = await run([probe, "--help"], { env: { PATH: path }, cwd: "/" });
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("restore");
  expect(help.stderr).not.toContain("ssb-probe");

  for (const command of ["run", "ls", "restore", "check", "keygen"]) {
    const commandHelp = await run([probe, command, "--help"], { env: { PATH: path }, cwd: "/" });
    expect(commandHelp.stderr).not.toContain("ssb-probe");
  }
});

test("a run that fails and reports does evaluate them, so the probe can see them", async () => {
  // Nothing listens on port 9: the job fails, which sends the error mail (refused as well)
  // and writes the HTML report.
  const etc = join(tmp, "etc");
  mkdirSync(etc);
  const config = join(etc, "config.toml");
  writeFileSync(
    config,
    [
      "[s3]",
      'bucket = "b"',
      'endpoint = "http://127.0.0.1:9"',
      "[reporting]",
      `htmlPath = "${join(tmp, "www")}"`,
      'errorRecipients = ["ops@example.com"]',
      "[reporting.smtp]",
      'host = "127.0.0.1"',
      "port = 9",
      'from = "ssb@example.com"',
      "[[jobs]]",
      'name = "a"',
      `path = "${config}"`,
      's3KeyPrefix = "a/"',
      "",
    ].join("\n"),
  );
  const env = {
    PATH: path,
    KEY_V1: "ab".repeat(32),
    AWS_ACCESS_KEY_ID: "x",
    AWS_SECRET_ACCESS_KEY: "y",
  };

  const result = await run([probe, "run", "--config", config], { env, cwd: "/" });
  expect(result.code).toBe(1);
  for (const name of Object.keys(HEAVY)) expect(result.stderr).toContain(`ssb-probe: ${name}`);
});
