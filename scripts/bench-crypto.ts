/**
 * Throughput and peak memory of the format 2 streams: `bun scripts/bench-crypto.ts [MiB]`
 * (default 1024). The plaintext is generated chunk by chunk and piped through the encrypt
 * and decrypt streams, never held whole, so peak RSS shows what the streams keep.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable, type Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { createDecryptStream, createEncryptStream } from "../src/crypto/format2.ts";

const MiB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 1024);
const key = randomBytes(32);
const chunk = randomBytes(MiB);

// Sampled from the sink: the streams run without yielding to timers, so an interval never fires.
const startRss = process.memoryUsage().rss;
let peakRss = startRss;

interface Clock {
  elapsed: number;
  since: number;
}
/** The clock now running; a stream's push can run the next stream's transform inside it. */
let running: Clock | undefined;

/**
 * Adds up the time a stream spends in its own transform and flush, excluding the time of
 * the streams its output runs through synchronously. Both streams do all their work there,
 * so this separates encryption from decryption within one pipeline.
 */
function timedStream(stream: Transform): { stream: Transform; seconds: () => number } {
  const clock: Clock = { elapsed: 0, since: 0 };
  const internals = stream as unknown as Record<"_transform" | "_flush", Function>;
  for (const method of ["_transform", "_flush"] as const) {
    const original = internals[method];
    internals[method] = function (this: Transform, ...args: unknown[]) {
      const outer = running;
      const now = performance.now();
      if (outer) outer.elapsed += now - outer.since;
      clock.since = now;
      running = clock;
      try {
        return original.apply(this, args);
      } finally {
        const end = performance.now();
        clock.elapsed += end - clock.since;
        running = outer;
        if (outer) outer.since = end;
      }
    };
  }
  return { stream, seconds: () => clock.elapsed / 1000 };
}

let restored = 0;
const sink = new Writable({
  write(data: Buffer, _encoding, callback) {
    restored += data.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    callback();
  },
});
const plaintext = Readable.from(
  (function* () {
    for (let i = 0; i < totalMiB; i++) yield chunk;
  })(),
);
const encrypt = timedStream(createEncryptStream({ kid: "bench", key }));
const decrypt = timedStream(createDecryptStream(() => key));

const start = performance.now();
await pipeline(plaintext, encrypt.stream, decrypt.stream, sink);
const wallSeconds = (performance.now() - start) / 1000;

if (restored !== totalMiB * MiB) {
  throw new Error(`restored ${restored} bytes, expected ${totalMiB * MiB}`);
}
const rate = (seconds: number) =>
  `${(totalMiB / seconds).toFixed(0)} MiB/s (${seconds.toFixed(2)} s)`;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];

console.log(`plaintext            ${totalMiB} MiB in 1 MiB chunks, 1 MiB segments`);
console.log(`encrypt              ${rate(encrypt.seconds())}`);
console.log(`decrypt              ${rate(decrypt.seconds())}`);
console.log(`whole pipeline       ${rate(wallSeconds)}`);
console.log(`RSS before the run   ${(startRss / MiB).toFixed(0)} MiB`);
console.log(`peak RSS (sampled)   ${(peakRss / MiB).toFixed(0)} MiB`);
if (hwm) console.log(`peak RSS (VmHWM)     ${(Number(hwm) / 1024).toFixed(0)} MiB`);
