// Writes a sample run report with one failure into a folder and prints the page's path,
// for the screenshot in docs/report-example.png:
//
//   bun scripts/screenshot-report.ts [folder]
//   chromium --headless --no-sandbox --window-size=1100,900 --screenshot=docs/report-example.png file://<path>
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRunReport } from "../src/report/html.ts";
import { countResults, type JobResult, type RunSummary } from "../src/report/summary.ts";

const folder = process.argv[2] ?? mkdtempSync(join(tmpdir(), "ssb-report-"));
const MiB = 1024 * 1024;

const jobs: JobResult[] = [
  {
    job: "api-keys",
    outcome: "uploaded",
    objectKey: "keys/api-keys.json-2026-12-03T04:00:00Z.bak.enc",
    size: 18_432,
    durationMs: 412,
    pruned: ["keys/api-keys.json-2026-11-26T04:00:00Z.bak.enc"],
  },
  {
    job: "redis-rdb",
    group: "redis",
    outcome: "uploaded",
    objectKey: "redis/dump.rdb-2026-12-03T04:00:00Z.bak.enc",
    size: 734 * MiB,
    durationMs: 38_200,
    pruned: [
      "redis/dump.rdb-2026-12-01T03:00:00Z.bak.enc",
      "redis/dump.rdb-2026-12-01T04:00:00Z.bak.enc",
    ],
  },
  {
    job: "redis-aof",
    group: "redis",
    outcome: "failed",
    objectKey: "redis/appendonly.aof-2026-12-03T04:00:00Z.bak.enc",
    durationMs: 1_250,
    pruned: [],
    error:
      "Failed to read /var/lib/redis/appendonly.aof: EACCES: permission denied. Run ssb as a user that can read the file.",
  },
  {
    job: "tls-certs",
    outcome: "unchanged",
    durationMs: 96,
    pruned: [],
    reason: "file equals the newest backup (keys/tls-certs-2026-12-02T04:00:00Z.bak.enc)",
  },
  {
    job: "vault-unseal",
    outcome: "not-due",
    durationMs: 4,
    pruned: [],
    reason: "weekly backup of 2026-W49 exists",
  },
];

const summary: RunSummary = {
  startedAt: "2026-12-03T04:00:00.000Z",
  finishedAt: "2026-12-03T04:00:41.800Z",
  durationMs: 41_800,
  host: "db1.example.com",
  configFile: "/etc/secure-s3-backup/config.toml",
  bucket: "acme-backups",
  dryRun: false,
  jobs,
  counts: countResults(jobs),
  mail: { sent: true, recipients: ["ops@example.com"] },
};

const pages = await writeRunReport(folder, summary);
console.log(pages.report);
if (pages.errorPage) console.log(pages.errorPage);
console.log(pages.index);
