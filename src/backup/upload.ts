import { pipeline } from "node:stream";
import { createEncryptStream } from "../crypto/format2.ts";
import type { BackupStore } from "../store/store.ts";
import type { BackupMetadata } from "../store/metadata.ts";
import {
  ChangedWhileReadingError,
  fingerprintFile,
  openSource,
  verifyingPassThrough,
} from "./source.ts";

/** The key new backups are encrypted and fingerprinted with. */
export interface PrimaryKey {
  kid: string;
  key: Uint8Array;
}

/** A file read once: its fingerprints and the size and time the upload must see again. */
export interface PreparedFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Fingerprint per key id: the primary key's, plus any needed to compare with an older backup. */
  fingerprints: Map<string, string>;
}

/** First read of a job's file: fingerprints under the primary key and any `extraKeys`. */
export async function prepareFile(
  path: string,
  primary: PrimaryKey,
  extraKeys: Map<string, Uint8Array> = new Map(),
): Promise<PreparedFile> {
  const keys = new Map(extraKeys);
  keys.set(primary.kid, primary.key);
  const { fingerprints, state } = await fingerprintFile(path, keys);
  return { path, size: state.size, mtimeMs: state.mtimeMs, fingerprints };
}

/**
 * Second read: streams the file through the encryptor to `objectKey`. The bytes encrypted
 * are the bytes read through one open handle, and they must match the first read exactly;
 * otherwise the upload is aborted with a ChangedWhileReadingError and nothing is stored.
 */
export async function uploadPrepared(opts: {
  store: BackupStore;
  file: PreparedFile;
  objectKey: string;
  primary: PrimaryKey;
  metadata: Omit<BackupMetadata, "format" | "kid" | "size" | "fingerprint" | "fingerprintKid">;
  signal?: AbortSignal;
}): Promise<void> {
  const { file, primary } = opts;
  const fingerprint = file.fingerprints.get(primary.kid) as string;
  const { handle, state } = await openSource(file.path);
  try {
    if (state.size !== file.size || state.mtimeMs !== file.mtimeMs) {
      throw new ChangedWhileReadingError(
        file.path,
        "it changed between the fingerprint and the upload",
      );
    }
    const body = pipeline(
      handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }),
      verifyingPassThrough({
        path: file.path,
        handle,
        expected: state,
        key: primary.key,
        fingerprint,
      }),
      createEncryptStream({ kid: primary.kid, key: primary.key }),
      () => {},
    );
    await opts.store.put(
      opts.objectKey,
      body,
      {
        ...opts.metadata,
        format: 2,
        kid: primary.kid,
        size: file.size,
        fingerprint,
        fingerprintKid: primary.kid,
      },
      file.size,
      opts.signal,
    );
  } catch (error) {
    // The pipeline's own error is more telling than the upload's wrapper around it.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof ChangedWhileReadingError) throw cause;
    throw error;
  } finally {
    await handle.close();
  }
}
