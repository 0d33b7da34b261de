/**
 * Peak memory of each step of a backup and a restore, one process per step, so that when
 * `ssb run` or `ssb restore` grows with the file size the step responsible shows.
 *
 *   bun scripts/bench-steps.ts FILE BUCKET
 *
 * Needs S3_ENDPOINT, S3_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of a store where
 * BUCKET exists (scripts/bench.sh runs it against its throwaway MinIO). Objects go under
 * `bench-steps/`. Prints one line per step: its peak RSS (VmHWM) and its duration.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { type Readable, Writable, pipeline as pipe } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fingerprintFile } from "../src/backup/source.ts";
import { createRestoreStream } from "../src/crypto/detect.ts";
import { createEncryptStream } from "../src/crypto/format2.ts";
import { createS3Client } from "../src/store/client.ts";
import { BackupStore } from "../src/store/store.ts";

const STEPS: Record<string, string> = {
  baseline: "load the modules, touch nothing",
  fingerprint: "read the file once and fingerprint it (the first read of ssb run)",
  encrypt: "read, encrypt, throw the ciphertext away",
  "put-plain": "upload the file as it is, no encryption (BackupStore.put only)",
  put: "read, encrypt, upload (the second read of ssb run)",
  "put-gc": "as put, with a full garbage collection every 100 ms",
  "get-plain": "download the encrypted object, throw it away (BackupStore.open only)",
  decrypt: "download and decrypt, throw the plaintext away (ssb restore without the file)",
};

// One key for every step of a run, so the download steps read what the "put" step wrote.
const key = new Uint8Array(
  Buffer.from(process.env.BENCH_STEPS_KEY ?? randomBytes(32).toString("hex"), "hex"),
);

function peakKiB(): number {
  const match = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match?.[1] ?? 0);
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

async function runStep(step: string, file: string, bucket: string): Promise<void> {
  const store = new BackupStore(
    createS3Client({
      bucket,
      endpoint: process.env.S3_ENDPOINT,
      region: process.env.S3_REGION ?? "us-east-1",
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
    }),
    bucket,
  );
  const objectKey = "bench-steps/big.bin.enc";
  const handle = await open(file, "r");
  const size = (await handle.stat()).size;
  const read = () => handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 });
  const metadata = {
    format: 2,
    kid: "v1",
    size,
    created: new Date().toISOString(),
    job: "bench",
  } as const;
  const put = (body: Readable) => store.put(objectKey, body, metadata, size);
  const encrypted = () => pipe(read(), createEncryptStream({ kid: "v1", key }), () => {});

  if (step === "put-gc") setInterval(() => Bun.gc(true), 100).unref();
  try {
    if (step === "fingerprint") await fingerprintFile(file, new Map([["v1", key]]));
    if (step === "encrypt")
      await pipeline(read(), createEncryptStream({ kid: "v1", key }), discard());
    if (step === "put-plain") await put(read());
    if (step === "put" || step === "put-gc") await put(encrypted());
    if (step === "get-plain" || step === "decrypt") {
      const { body } = await store.open(objectKey);
      if (step === "get-plain") await pipeline(body, discard());
      else
        await pipeline(
          body,
          createRestoreStream(() => key),
          discard(),
        );
    }
  } finally {
    await handle.close();
  }
  process.stdout.write(`${peakKiB()}\n`);
}

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  if (first === "--step") {
    const [step, file, bucket] = rest as [string, string, string];
    await runStep(step, file, bucket);
    return;
  }
  const [file, bucket] = [first, rest[0]];
  if (!file || !bucket) throw new Error("usage: bun scripts/bench-steps.ts FILE BUCKET");

  for (const [step, what] of Object.entries(STEPS)) {
    const started = performance.now();
    const child = Bun.spawn([process.execPath, import.meta.path, "--step", step, file, bucket], {
      env: { ...process.env, BENCH_STEPS_KEY: Buffer.from(key).toString("hex") },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) {
      process.stdout.write(
        `  ${step.padEnd(12)} failed (exit ${code}): ${err.trim().split("\n").at(-1)}\n`,
      );
      continue;
    }
    const mib = (Number(out.trim()) / 1024).toFixed(1).padStart(7);
    process.stdout.write(
      `  ${step.padEnd(12)} peak RSS ${mib} MiB  ${seconds.toFixed(2).padStart(6)} s  ${what}\n`,
    );
  }
}

await main();
