import { type FileHandle, open } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { SsbError, errorMessage } from "../errors.ts";
import { createFingerprint } from "../crypto/fingerprint.ts";
import { collectTransferBuffers } from "../store/gc.ts";

/** Bytes read between two garbage collections (see collectTransferBuffers). */
const COLLECT_EVERY = 64 * 1024 * 1024;

/** Size and modification time of a file, to notice that it changed while it was read. */
interface FileState {
  size: number;
  mtimeMs: number;
}

/** The file changed between or during the reads of one backup; the copy would be torn. */
export class ChangedWhileReadingError extends SsbError {
  constructor(path: string, detail: string) {
    super(`${path} changed while reading (${detail}); not storing a torn copy`);
    this.name = "ChangedWhileReadingError";
  }
}

/** Opens a job's file for reading, with an error that names it and says what to check. */
export async function openSource(path: string): Promise<{ handle: FileHandle; state: FileState }> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file; check the job's path"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied; run ssb as a user that can read it"
          : code === "EISDIR"
            ? "it is a directory; a job backs up one file"
            : errorMessage(error);
    throw new SsbError(`Cannot read ${path}: ${why}`, { cause: error });
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new SsbError(`Cannot read ${path}: not a regular file; a job backs up one file`);
  }
  return { handle, state: { size: stat.size, mtimeMs: stat.mtimeMs } };
}

function describeChange(
  before: FileState,
  after: FileState,
  bytesRead: number,
): string | undefined {
  if (after.size !== before.size) return `size went from ${before.size} to ${after.size} bytes`;
  if (after.mtimeMs !== before.mtimeMs) return "modification time changed";
  if (bytesRead !== before.size) return `read ${bytesRead} of ${before.size} bytes`;
  return undefined;
}

/** Fingerprints of a file under several keys, from one read through one open handle. */
export async function fingerprintFile(
  path: string,
  keys: Map<string, Uint8Array>,
): Promise<{ fingerprints: Map<string, string>; state: FileState }> {
  const { handle, state } = await openSource(path);
  try {
    const hashers = [...keys].map(([kid, key]) => [kid, createFingerprint(key)] as const);
    let bytesRead = 0;
    for await (const chunk of handle.createReadStream({
      autoClose: false,
      highWaterMark: 1 << 20,
    })) {
      bytesRead += chunk.length;
      for (const [, hasher] of hashers) hasher.update(chunk);
      if (bytesRead % COLLECT_EVERY < chunk.length) collectTransferBuffers();
    }
    const after = await handle.stat();
    const change = describeChange(state, after, bytesRead);
    if (change) throw new ChangedWhileReadingError(path, change);
    return { fingerprints: new Map(hashers.map(([kid, h]) => [kid, h.digest()])), state };
  } finally {
    await handle.close();
  }
}

/**
 * A pass-through for the upload read: counts and fingerprints the bytes that go on to the
 * encryptor, and at the end fails the stream unless the file is exactly what the first read
 * saw (same size, modification time and fingerprint). Failing here aborts the upload, so a
 * file rewritten mid-backup is never stored.
 */
export function verifyingPassThrough(opts: {
  path: string;
  handle: FileHandle;
  expected: FileState;
  key: Uint8Array;
  fingerprint: string;
}): Transform {
  const hasher = createFingerprint(opts.key);
  let bytesRead = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytesRead += chunk.length;
      hasher.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      opts.handle.stat().then(
        (after) => {
          const change =
            describeChange(opts.expected, after, bytesRead) ??
            (hasher.digest() !== opts.fingerprint
              ? "content differs from the first read"
              : undefined);
          callback(change ? new ChangedWhileReadingError(opts.path, change) : null);
        },
        (error) => callback(error),
      );
    },
  });
}
