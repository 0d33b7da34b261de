/** The parts of the command line that need no backups: help, version, keygen, env files. */
import { beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lines, newKeyHex, newWorkspace, ROOT, tomlConfig, type Workspace } from "./cli.ts";

let ws: Workspace;
beforeEach(async () => {
  ws = await newWorkspace();
});

describe("the command line", () => {
  test("--help lists the commands and every exit code", async () => {
    const result = await ws.ssb(["--help"]);

    expect(result.code).toBe(0);
    const help = lines(result.stdout).join("\n");
    for (const command of ["run", "ls", "restore", "check", "keygen"])
      expect(help).toContain(command);
    expect(help).toContain("0 everything due succeeded");
    expect(help).toContain("1 a job failed");
    expect(help).toContain("2 config or usage error");
    expect(help).toContain("3 another ssb run holds the lock");
  });

  test("--version prints the version of package.json and nothing else", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

    const result = await ws.ssb(["--version"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.stderr).toBe("");
  });

  test("options written before the command work as after it", async () => {
    ws.write("config.toml", tomlConfig(ws.bucket, '[[jobs]]\nname = "a"\npath = "a.txt"\n'));
    ws.write("a.txt", "a\n");

    const result = await ws.ssb(["--config", "config.toml", "check"]);

    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toContain(`config: ${join(ws.dir, "config.toml")}`);
  });

  test("a config file named like a command is still taken as the value of --config", async () => {
    ws.write("ls", tomlConfig(ws.bucket, '[[jobs]]\nname = "a"\npath = "a.txt"\n'));
    ws.write("a.txt", "a\n");

    const result = await ws.ssb(["--config", "ls", "check"]);

    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toContain(`config: ${join(ws.dir, "ls")}`);
  });

  test("ssb check exits 2 on a typo that would silently drop a job, such as [[job]]", async () => {
    ws.write("config.toml", tomlConfig(ws.bucket, '[[job]]\nname = "a"\npath = "a.txt"\n'));

    const result = await ws.ssb(["check", "--config", "config.toml"]);

    expect(result.code).toBe(2);
    expect(lines(result.stdout)).toContain(
      "warning: config.toml: job: unknown key; did you mean jobs?",
    );
  });

  test("an unknown command is a usage error naming it", async () => {
    const result = await ws.ssb(["frobnicate"]);

    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual(["ssb: Unknown command frobnicate"]);
  });

  // citty itself ignores options it does not know; a mistyped --dry-run must not make a real run.
  test("an unknown option such as --dryrun is a usage error, not a real run", async () => {
    ws.write("secret.env", "TOKEN=1\n");
    ws.write(
      "config.toml",
      tomlConfig(ws.bucket, '[[jobs]]\nname = "secret"\npath = "secret.env"\n'),
    );

    const result = await ws.ssb(["run", "--dryrun", "--config", "config.toml"]);

    expect(await ws.objects()).toEqual([]);
    expect(result.code).toBe(2);
  });

  test("ssb keygen prints a fresh 64-hex-character key each time, and only the key", async () => {
    const first = await ws.ssb(["keygen"]);
    const second = await ws.ssb(["keygen"]);

    for (const result of [first, second]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
      expect(result.stderr).toBe("");
    }
    expect(first.stdout).not.toBe(second.stdout);
  });
});

describe("the env file", () => {
  const job = '[[jobs]]\nname = "secret"\npath = "secret.env"\n';
  const noKeys = { KEY_V1: undefined, PRIMARY_KEY: undefined };

  beforeEach(() => {
    ws.write("etc/ssb/secret.env", "TOKEN=42\n");
    ws.write("etc/ssb/config.toml", tomlConfig(ws.bucket, job));
  });

  test("a .env beside the config is loaded when the working folder has none, as under cron", async () => {
    ws.write("etc/ssb/.env", `KEY_V1=${ws.key}\nPRIMARY_KEY=v1\n`, 0o600);
    const config = join(ws.dir, "etc/ssb/config.toml");

    const run = await ws.ssb(["run", "--config", config], { cwd: ws.home, env: noKeys });

    expect(run.code).toBe(0);
    expect(await ws.objects()).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(ws.key);

    // The backup was made with the key from that file.
    const empty = ws.write("empty.env", "", 0o600);
    const restore = await ws.ssb([
      "restore",
      "secret",
      "--to",
      "out.env",
      "--config",
      config,
      "--env-file",
      empty,
    ]);
    expect(restore.code).toBe(0);
    expect(readFileSync(join(ws.dir, "out.env"), "utf8")).toBe("TOKEN=42\n");
  });

  test("a real environment variable wins over the same one in the .env file", async () => {
    const fileKey = newKeyHex();
    ws.write("etc/ssb/.env", `KEY_V1=${fileKey}\nPRIMARY_KEY=v1\n`, 0o600);
    const config = join(ws.dir, "etc/ssb/config.toml");

    const run = await ws.ssb(["run", "--config", config], { cwd: ws.home });

    expect(run.code).toBe(0);
    // Encrypted with the real variable's key: the file's key cannot read it.
    const withFileKey = await ws.ssb(["restore", "secret", "--to", "a.env", "--config", config], {
      env: noKeys,
    });
    expect(withFileKey.code).toBe(1);
    expect(lines(withFileKey.stderr)[0]).toContain("authentication failed");
    const withRealKey = await ws.ssb(["restore", "secret", "--to", "b.env", "--config", config]);
    expect(withRealKey.code).toBe(0);
    expect(readFileSync(join(ws.dir, "b.env"), "utf8")).toBe("TOKEN=42\n");
  });

  test("a .env in the working folder is used instead of the one beside the config", async () => {
    ws.write("etc/ssb/.env", `KEY_V1=${"0".repeat(63)}\n`, 0o600);
    ws.write("home/.env", `KEY_V1=${ws.key}\nPRIMARY_KEY=v1\n`, 0o600);

    const run = await ws.ssb(["run", "--config", join(ws.dir, "etc/ssb/config.toml")], {
      cwd: ws.home,
      env: noKeys,
    });

    expect(run.code).toBe(0);
    expect(await ws.objects()).toHaveLength(1);
  });
});
