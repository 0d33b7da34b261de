/** Small builders shared by the runner, restore and prune tests; all I/O stays real. */
import { randomBytes } from "node:crypto";
import { type KeyRing, keyVariableName, loadKeys, lookupKey } from "../../src/config/keys.ts";
import type { Config, Job, Policy } from "../../src/config/types.ts";
import type { KeyLookup } from "../../src/crypto/keys.ts";
import type { RunLog } from "../../src/backup/run.ts";
import { BackupStore } from "../../src/store/store.ts";
import { createTestS3Client, useMinio } from "../helpers/minio.ts";

export const defaultPolicy: Policy = {
  frequency: "daily",
  onChangeOnly: false,
  retentionCount: 7,
  parallel: true,
};

/** A job for `path`, named after it unless told otherwise. */
export function job(
  name: string,
  path: string,
  extra: Omit<Partial<Job>, "policy"> & { policy?: Partial<Policy> } = {},
): Job {
  return { name, path, s3KeyPrefix: "", ...extra, policy: { ...defaultPolicy, ...extra.policy } };
}

/** A loaded config as the config module would return it, without a file on disk. */
export function config(bucket: string, jobs: Job[], extra: Partial<Config> = {}): Config {
  return {
    file: "/test/config.toml",
    s3: { bucket, region: "us-east-1", forcePathStyle: true, checksums: "WHEN_REQUIRED" },
    logging: { level: "info", maxSize: 1 << 20, maxFiles: 2 },
    reporting: { errorRecipients: [], keepRuns: 500 },
    limits: { maxJobs: 2 },
    timezone: "UTC",
    problems: [],
    jobs,
    ...extra,
  };
}

/**
 * Fresh random keys under the given ids, loaded from variables as a server would
 * (`KEY_<ID>`, `PRIMARY_KEY`); the first is primary unless told otherwise.
 */
export function keyRing(kids: string[], primary = kids[0]!): KeyRing & { lookup: KeyLookup } {
  const env: Record<string, string> = { PRIMARY_KEY: primary };
  for (const kid of kids) env[keyVariableName(kid)] = randomBytes(32).toString("hex");
  const ring = loadKeys(env);
  return { ...ring, lookup: (kid) => lookupKey(ring, kid) };
}

/** The same ring without `kid`, as after its variable was removed. */
export function withoutKey(ring: KeyRing, kid: string): KeyRing & { lookup: KeyLookup } {
  const gone = lookupKey(ring, kid);
  const keys = new Map([...ring.keys].filter(([, key]) => key !== gone));
  const next = { primary: ring.primary, keys };
  return { ...next, lookup: (id) => lookupKey(next, id) };
}

/** A store on a fresh, empty bucket of the test MinIO. */
export async function freshStore(): Promise<BackupStore> {
  const minio = await useMinio();
  return new BackupStore(createTestS3Client(minio), await minio.newBucket());
}

/** A log that keeps its lines, so tests can read what the operator would have seen. */
export function memoryLog(): RunLog & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return {
    lines,
    error: add("error"),
    warn: add("warn"),
    info: add("info"),
    success: add("success"),
    debug: add("debug"),
  };
}

/** A clock that starts at `iso` and moves only when told. */
export function clock(iso: string): {
  now: () => Date;
  advance(ms: number): void;
  set(iso: string): void;
} {
  let current = new Date(iso).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => void (current += ms),
    set: (next) => void (current = new Date(next).getTime()),
  };
}
