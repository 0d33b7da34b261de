import { describe, expect, test } from "bun:test";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { newWorkspace, spawnSsb, tomlConfig, type Workspace } from "./cli.ts";

/** `ssb ARGS` in the workspace, in the background, as an operator's shell or systemd starts it. */
function spawnInWorkspace(ws: Workspace, args: string[]) {
  return spawnSsb(args, { env: ws.env, cwd: ws.dir });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe("an interrupted command cleans up after itself", () => {
  test("SIGTERM during an upload aborts the multipart upload and leaves no object", async () => {
    const ws = await newWorkspace();
    ws.write("dump.rdb", randomBytes(400 * 1024 * 1024));
    ws.write("config.toml", tomlConfig(ws.bucket, '[[jobs]]\nname = "rdb"\npath = "dump.rdb"\n'));
    const uploads = async () =>
      (await ws.s3.send(new ListMultipartUploadsCommand({ Bucket: ws.bucket }))).Uploads ?? [];

    const child = spawnInWorkspace(ws, ["run", "--config", "config.toml"]);
    await waitFor("the multipart upload to start", async () => (await uploads()).length > 0);
    child.kill("SIGTERM");

    expect(await child.exited).toBe(143);
    expect(await new Response(child.stderr).text()).toContain("SIGTERM received; cleaning up");
    expect(await uploads()).toEqual([]);
    expect(await ws.objects()).toEqual([]);
  });

  test("SIGTERM during a restore removes the partly written temporary file and creates nothing", async () => {
    const ws = await newWorkspace();
    ws.write("dump.rdb", randomBytes(400 * 1024 * 1024));
    ws.write("config.toml", tomlConfig(ws.bucket, '[[jobs]]\nname = "rdb"\npath = "dump.rdb"\n'));
    expect((await ws.ssb(["run", "--config", "config.toml"])).code).toBe(0);
    const out = join(ws.dir, "out");
    mkdirSync(out);

    const child = spawnInWorkspace(ws, [
      "restore",
      "rdb",
      "--to",
      "out/",
      "--config",
      "config.toml",
    ]);
    await waitFor("the temporary file to appear", () => readdirSync(out).length > 0);
    child.kill("SIGTERM");

    expect(await child.exited).toBe(143);
    expect(readdirSync(out)).toEqual([]);
  });
});
