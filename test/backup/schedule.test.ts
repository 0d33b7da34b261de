import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runBackups } from "../../src/backup/run.ts";
import { makeTempDir } from "../helpers/tmp.ts";
import { config, freshStore, job, keyRing, memoryLog } from "./fixtures.ts";

const dir = makeTempDir("ssb-schedule-");

test("parallel jobs never exceed maxJobs transfers in flight, and a serial job runs alone", async () => {
  const store = await freshStore();
  const jobs = [];
  for (let i = 0; i < 6; i++) {
    const serial = i === 1 || i === 4;
    const path = join(dir, `f${i}.bin`);
    await writeFile(path, randomBytes(6 * 1024 * 1024));
    jobs.push(
      job(serial ? `serial-${i}` : `parallel-${i}`, path, { policy: { parallel: !serial } }),
    );
  }

  const inFlight = new Set<string>();
  let most = 0;
  const alongsideSerial: string[] = [];
  const summary = await runBackups({
    config: config(store.bucket, jobs, { limits: { maxJobs: 3 } }),
    store,
    keys: keyRing(["v1"]),
    log: memoryLog(),
    onTransfer: (event, name) => {
      if (event === "end") {
        inFlight.delete(name);
        return;
      }
      inFlight.add(name);
      most = Math.max(most, inFlight.size);
      const serialRunning = [...inFlight].some((n) => n.startsWith("serial-"));
      if (serialRunning && inFlight.size > 1) alongsideSerial.push([...inFlight].join("+"));
    },
  });

  expect(summary.counts).toMatchObject({ uploaded: 6, failed: 0 });
  expect(most).toBeLessThanOrEqual(3);
  expect(most).toBeGreaterThan(1); // the parallel ones really did overlap
  expect(alongsideSerial).toEqual([]);
});
