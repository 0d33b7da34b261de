/**
 * A real MinIO server for integration tests, one per test process.
 *
 * The first call to `useMinio()` runs `scripts/minio.sh start` on a fresh temporary
 * directory; every later call in the same process, from any test file, gets the same
 * server. The server is stopped when the process exits, and the script's watcher stops it
 * and deletes its directory even when the process is killed outright. Under
 * `bun test --isolate` or `--parallel`, where module state does not survive from one file
 * to the next, each file starts a server of its own; that is slower, but still correct.
 *
 * Finding or building the server binary is the script's job (`MINIO_BIN`, `minio` on
 * PATH, or a cached `go install`). When that fails, `useMinio()` rejects with the reason:
 * tests that need S3 never skip themselves silently.
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestMinio {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Creates an empty bucket with a name no other test uses, and returns that name. */
  newBucket(): Promise<string>;
  /** The variables a child process (the ssb CLI) needs to reach `bucket` on this server. */
  env(bucket: string): Record<string, string>;
}

const SCRIPT = join(import.meta.dir, "../../scripts/minio.sh");

let server: Promise<TestMinio> | undefined;

/**
 * Returns the MinIO server of this test process, starting it on first use. A failed start
 * is remembered, so the remaining files fail at once instead of building again.
 */
export function useMinio(): Promise<TestMinio> {
  server ??= startMinio();
  return server;
}

/** An S3 client for `minio` with the settings the ssb store uses against MinIO. */
export function createTestS3Client(minio: TestMinio): S3Client {
  return new S3Client({
    endpoint: minio.endpoint,
    region: minio.region,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

async function startMinio(): Promise<TestMinio> {
  const dir = await mkdtemp(join(tmpdir(), "ssb-minio-"));
  const exports = parseExports(await runStartScript(dir));
  await stopOnExit(dir);

  const minio: TestMinio = {
    endpoint: requireExport(exports, "S3_ENDPOINT"),
    region: requireExport(exports, "S3_REGION"),
    accessKeyId: requireExport(exports, "AWS_ACCESS_KEY_ID"),
    secretAccessKey: requireExport(exports, "AWS_SECRET_ACCESS_KEY"),
    newBucket: () => createBucket(client),
    env: (bucket) => ({
      S3_ENDPOINT: minio.endpoint,
      S3_REGION: minio.region,
      AWS_ACCESS_KEY_ID: minio.accessKeyId,
      AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
      SSB_TEST_BUCKET: bucket,
    }),
  };
  const client = createTestS3Client(minio);
  return minio;
}

/**
 * Runs `minio.sh start DIR` and returns what it printed. Its stderr is passed through as
 * it comes, because a first run builds MinIO for minutes and should say so.
 */
async function runStartScript(dir: string): Promise<string> {
  const child = Bun.spawn(["bash", SCRIPT, "start", dir], {
    env: { ...process.env, SSB_MINIO_OWNER_PID: String(process.pid) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });

  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    passThrough(child.stderr),
    child.exited,
  ]);

  if (exitCode !== 0) {
    const tail = stderr.trimEnd().split("\n").slice(-20).join("\n");
    throw new Error(
      `Failed to start MinIO for the tests (scripts/minio.sh exited with ${exitCode}):\n` +
        `${tail}\n` +
        "Run `bash scripts/minio.sh path` to build the server, or set MINIO_BIN to one.",
    );
  }
  return stdout;
}

async function passThrough(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    process.stderr.write(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** Parses the `export NAME='value'` lines that minio.sh prints. */
function parseExports(stdout: string): Map<string, string> {
  const exports = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^export ([A-Z0-9_]+)='([^']*)'$/.exec(line.trim());
    if (match) exports.set(match[1]!, match[2]!);
  }
  return exports;
}

function requireExport(exports: Map<string, string>, name: string): string {
  const value = exports.get(name);
  if (value === undefined) {
    throw new Error(`Failed to start MinIO for the tests: scripts/minio.sh printed no ${name}`);
  }
  return value;
}

/**
 * Stops the server when this process exits. An exit handler can only run synchronous
 * code, so it just signals the server; the script's watcher sees this process gone a
 * moment later and deletes the directory.
 */
async function stopOnExit(dir: string): Promise<void> {
  const pid = Number((await readFile(join(dir, "minio.pid"), "utf8")).trim());
  process.on("exit", () => {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  });
}

let bucketCount = 0;

async function createBucket(client: S3Client): Promise<string> {
  bucketCount += 1;
  const random = Math.random().toString(36).slice(2, 10);
  const bucket = `ssb-${process.pid}-${bucketCount}-${random}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
