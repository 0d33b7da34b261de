/**
 * Throughput and peak memory of the format 2 streams: `bun scripts/bench-crypto.ts [MiB]`
 * (default 1024). The plaintext is generated chunk by chunk, never held whole, so peak RSS
 * shows what the streams themselves keep.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { createDecryptStream, createEncryptStream } from "../src/crypto/format2.ts";

const MiB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 1024);
const key = randomBytes(32);
const chunk = randomBytes(MiB);

// Sampled from the sink: the streams run without yielding to timers, so an interval never fires.
const startRss = process.memoryUsage().rss;
let peakRss = startRss;

function plaintext(): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < totalMiB; i++) yield chunk;
    })(),
  );
}

function counter(): { sink: Writable; bytes: () => number } {
  let bytes = 0;
  const sink = new Writable({
    write(data: Buffer, _encoding, callback) {
      bytes += data.length;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      callback();
    },
  });
  return { sink, bytes: () => bytes };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

const encrypted = counter();
const encryptSeconds = await timed(() =>
  pipeline(plaintext(), createEncryptStream({ kid: "bench", key }), encrypted.sink),
);

const restored = counter();
const roundTripSeconds = await timed(() =>
  pipeline(
    plaintext(),
    createEncryptStream({ kid: "bench", key }),
    createDecryptStream(() => key),
    restored.sink,
  ),
);

if (restored.bytes() !== totalMiB * MiB) {
  throw new Error(`restored ${restored.bytes()} bytes, expected ${totalMiB * MiB}`);
}
const decryptSeconds = roundTripSeconds - encryptSeconds;
const rate = (seconds: number) => `${(totalMiB / seconds).toFixed(0)} MiB/s`;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];

console.log(`plaintext            ${totalMiB} MiB in 1 MiB chunks, 1 MiB segments`);
console.log(`object size          ${(encrypted.bytes() / MiB).toFixed(3)} MiB`);
console.log(`encrypt              ${rate(encryptSeconds)} (${encryptSeconds.toFixed(2)} s)`);
console.log(`encrypt + decrypt    ${rate(roundTripSeconds)} (${roundTripSeconds.toFixed(2)} s)`);
console.log(`decrypt (difference) ${rate(decryptSeconds)} (${decryptSeconds.toFixed(2)} s)`);
console.log(`RSS before the runs  ${(startRss / MiB).toFixed(0)} MiB`);
console.log(`peak RSS (sampled)   ${(peakRss / MiB).toFixed(0)} MiB`);
if (hwm) console.log(`peak RSS (VmHWM)     ${(Number(hwm) / 1024).toFixed(0)} MiB`);
