import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createRestoreStream } from "../crypto/detect.ts";
import type { KeyLookup } from "../crypto/keys.ts";
import { ExitCode, SsbError, errorMessage } from "../errors.ts";
import { collectTransferBuffers } from "../store/gc.ts";
import type { BackupStore } from "../store/store.ts";

/** Plaintext bytes written between two garbage collections (see collectTransferBuffers). */
const COLLECT_EVERY = 32 * 1024 * 1024;

/** One object to bring back and where it goes. */
export interface RestoreTarget {
  key: string;
  dest: string;
}

/** Fails before anything is downloaded if a destination exists and --force was not given. */
export async function checkDestinations(targets: RestoreTarget[], force: boolean): Promise<void> {
  for (const { dest } of targets) {
    const existing = await stat(dest).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new SsbError(
        `Cannot restore to ${dest}: it is a directory; pass a file path with --to`,
        {
          exitCode: ExitCode.usage,
        },
      );
    }
    if (existing && !force) {
      throw new SsbError(
        `Not overwriting ${dest}: it exists; pass --force to replace it, or --to PATH to restore elsewhere`,
        { exitCode: ExitCode.usage },
      );
    }
  }
}

/**
 * Restores objects so that each destination appears only once every object is fully
 * authenticated: each is decrypted into a hidden temporary file beside its destination,
 * and only when all of them verified are they renamed into place. On any failure every
 * temporary file is removed and no destination is touched.
 */
export async function restoreObjects(opts: {
  store: BackupStore;
  targets: RestoreTarget[];
  lookup: KeyLookup;
  mode: number;
  force: boolean;
  /** Aborted on SIGINT/SIGTERM: the temporary files are removed and nothing is renamed. */
  signal?: AbortSignal;
}): Promise<{ key: string; dest: string; bytes: number }[]> {
  await checkDestinations(opts.targets, opts.force);
  const temps: { target: RestoreTarget; temp: string; bytes: number }[] = [];
  try {
    for (const target of opts.targets) {
      const temp = join(
        dirname(target.dest),
        `.${basename(target.dest)}.ssb-${randomBytes(6).toString("hex")}.tmp`,
      );
      temps.push({ target, temp, bytes: 0 });
      const owner = await ownerOf(target.dest);
      temps[temps.length - 1]!.bytes = await decryptToFile(opts.store, target.key, {
        lookup: opts.lookup,
        path: temp,
        mode: opts.mode,
        owner,
        signal: opts.signal,
      });
    }
    if (!opts.force) await checkDestinations(opts.targets, false);
    for (const { target, temp } of temps) await rename(temp, target.dest);
  } catch (error) {
    await Promise.all(temps.map(({ temp }) => unlink(temp).catch(() => {})));
    throw error;
  }
  return temps.map(({ target, bytes }) => ({ key: target.key, dest: target.dest, bytes }));
}

/**
 * The owner and group a file replaced with --force keeps, so a service that reads it (Redis
 * reading dump.rdb as its own user) still can after root restored it. Read with lstat and
 * applied through the open handle, never by path: the folder may belong to that service,
 * which could swap the temporary name for a link to a file it should not get.
 */
async function ownerOf(dest: string): Promise<{ uid: number; gid: number } | undefined> {
  const existing = await lstat(dest).catch(() => undefined);
  return existing ? { uid: existing.uid, gid: existing.gid } : undefined;
}

/** Downloads and decrypts one object into `path` (created new, with `mode`); returns its size. */
async function decryptToFile(
  store: BackupStore,
  key: string,
  into: {
    lookup: KeyLookup;
    path: string;
    mode: number;
    owner?: { uid: number; gid: number };
    signal?: AbortSignal;
  },
): Promise<number> {
  const { lookup, path, mode, signal } = into;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { body } = await store.open(key);
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let bytes = 0;
  try {
    await file.chmod(mode);
    // Only root may give a file away; anyone else keeps the file, which they can read anyway.
    if (into.owner) await file.chown(into.owner.uid, into.owner.gid).catch(() => {});
    let sinceCollect = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        sinceCollect += chunk.length;
        if (sinceCollect >= COLLECT_EVERY) {
          sinceCollect = 0;
          collectTransferBuffers();
        }
        file.write(chunk).then(() => callback(), callback);
      },
    });
    await pipeline(body, createRestoreStream(lookup), sink, { signal });
    await file.sync();
  } catch (error) {
    body.destroy();
    throw new SsbError(
      `Cannot restore ${store.url(key)}: ${errorMessage(error)}; nothing was written`,
      {
        cause: error,
      },
    );
  } finally {
    await file.close();
  }
  return bytes;
}
