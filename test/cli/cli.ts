/**
 * The ssb CLI as an operator meets it: a child process started from source, in a real
 * temporary folder, with an environment built from scratch so that no real config, key or
 * `.env` of the machine running the tests can leak in.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createTestS3Client, type TestMinio, useMinio } from "../helpers/minio.ts";
import { makeTempDir } from "../helpers/tmp.ts";

export const ROOT = join(import.meta.dir, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");

export interface SsbResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the whole child process, start-up included. */
  ms: number;
}

/** Starts `ssb ARGS` from source with exactly `env` (plus PATH) in `cwd`, without waiting. */
export function spawnSsb(
  args: string[],
  opts: { env: Record<string, string | undefined>; cwd: string },
) {
  const env = Object.fromEntries(
    Object.entries({ PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  return Bun.spawn([process.execPath, "--no-env-file", MAIN, ...args], {
    cwd: opts.cwd,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** Runs `ssb ARGS` from source with exactly `env` (plus PATH) in `cwd`. */
export async function runSsb(
  args: string[],
  opts: { env: Record<string, string | undefined>; cwd: string },
): Promise<SsbResult> {
  const started = performance.now();
  const child = spawnSsb(args, opts);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** Text without the colour codes citty and consola may add. */
export function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** The lines of `text`, without the empty one after the final newline. */
export function lines(text: string): string[] {
  return plain(text)
    .split("\n")
    .filter((line) => line.trim() !== "");
}

/** A fresh 256-bit key as the environment holds it. */
export function newKeyHex(): string {
  return randomBytes(32).toString("hex");
}

/**
 * One test's world: an empty bucket, a folder for files and configs, a HOME with nothing in
 * it, a key, and the environment a cron job of this server would have.
 */
export interface Workspace {
  minio: TestMinio;
  s3: S3Client;
  bucket: string;
  dir: string;
  home: string;
  key: string;
  env: Record<string, string | undefined>;
  /** Writes `content` to `name` under `dir` (folders made as needed); returns the path. */
  write(name: string, content: string | Uint8Array, mode?: number): string;
  /** `ssb ARGS` in `dir` (or `cwd`) with this workspace's environment plus `env`. */
  ssb(
    args: string[],
    opts?: { env?: Record<string, string | undefined>; cwd?: string },
  ): Promise<SsbResult>;
  /** Every object name in the bucket, sorted. */
  objects(): Promise<string[]>;
  /** Flips one bit of the stored object `key` at `offset`, keeping its metadata. */
  flipByte(key: string, offset: number): Promise<void>;
}

export async function newWorkspace(): Promise<Workspace> {
  const minio = await useMinio();
  const s3 = createTestS3Client(minio);
  const bucket = await minio.newBucket();
  const dir = makeTempDir("ssb-cli-");
  const home = join(dir, "home");
  mkdirSync(home);
  const key = newKeyHex();
  const env = { ...minio.env(bucket), HOME: home, KEY_V1: key, PRIMARY_KEY: "v1" };

  const write = (name: string, content: string | Uint8Array, mode = 0o644) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
    return path;
  };

  return {
    minio,
    s3,
    bucket,
    dir,
    home,
    key,
    env,
    write,
    ssb: (args, opts = {}) => runSsb(args, { env: { ...env, ...opts.env }, cwd: opts.cwd ?? dir }),
    objects: async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    },
    flipByte: async (key, offset) => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      body[offset]! ^= 0x01;
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: got.Metadata }),
      );
    },
  };
}

/** A TOML config for `bucket` with the given `[[jobs]]` and any extra tables. */
export function tomlConfig(bucket: string, body: string): string {
  return `[s3]\nbucket = "${bucket}"\n\n${body.trim()}\n`;
}
