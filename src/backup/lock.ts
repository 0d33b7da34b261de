import { createHash } from "node:crypto";
import {
  existsSync,
  closeSync,
  constants,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { dlopen, FFIType, type Pointer, read } from "bun:ffi";
import { ExitCode, SsbError, errorMessage } from "../errors.ts";
import { formatBackupTime } from "./naming.ts";

/**
 * One `ssb run` at a time, enforced by the kernel with flock(2) on a lock file.
 *
 * The kernel drops a flock lock when the process holding it exits for any reason, kill -9
 * and power loss included, so a lock left behind by a dead run is simply taken by the next
 * one: there is no stale lock to detect or clean up. The file itself stays; deleting it
 * on release would let two runs lock two different files of the same name.
 */

export interface RunLock {
  /** The lock file. */
  readonly path: string;
  /** Gives the lock up; calling it again does nothing. */
  release(): void;
}

/** What the holder writes into the lock file so that a second run can name it. */
interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EINTR = 4;

interface Libc {
  flock(fd: number, operation: number): number;
  errno(): number;
  wouldBlock: number;
}

let libc: Libc | undefined;

/** libc's flock and errno through bun:ffi, loaded on first use (works in compiled binaries). */
function loadLibc(): Libc {
  if (libc) return libc;

  const darwin = process.platform === "darwin";
  if (!darwin && process.platform !== "linux") {
    throw new SsbError(`ssb run cannot lock on ${process.platform}; it runs on Linux and macOS`);
  }
  const errnoSymbol = darwin ? "__error" : "__errno_location";
  const names = darwin
    ? ["libc.dylib", "/usr/lib/libSystem.B.dylib"]
    : ["libc.so.6", `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`, "libc.so"];
  const symbols = {
    flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    [errnoSymbol]: { args: [], returns: FFIType.ptr },
  } as const;

  let lastError: unknown;
  for (const name of names) {
    try {
      const lib = dlopen(name, symbols);
      const errnoAt = lib.symbols[errnoSymbol] as () => Pointer | null;
      libc = {
        flock: (fd, operation) => lib.symbols.flock(fd, operation) as number,
        errno: () => {
          const pointer = errnoAt();
          return pointer ? read.i32(pointer, 0) : 0;
        },
        wouldBlock: darwin ? 35 : 11,
      };
      return libc;
    } catch (error) {
      lastError = error;
    }
  }
  throw new SsbError(`could not load the C library to lock runs: ${errorMessage(lastError)}`, {
    cause: lastError,
  });
}

/**
 * Where `ssb run` locks by default: `/run/ssb/run-<hash>.lock` for root,
 * `/tmp/ssb-<uid>/run-<hash>.lock` for other users; one lock per user and config file (the
 * hash is of the config's real path, so a symlinked path shares it).
 *
 * These places look the same under cron as in a login shell; `$XDG_RUNTIME_DIR` is not set under cron, a
 * home directory may not exist for a service user, and the config's folder is often
 * root's. The directory is created with mode 0700 and checked before use.
 */
export function defaultLockPath(configFile: string): string {
  let configPath = resolve(configFile);
  try {
    configPath = realpathSync(configPath);
  } catch {
    // A config that does not exist fails elsewhere; its plain path is good enough here.
  }
  const hash = createHash("sha256").update(configPath).digest("hex").slice(0, 16);
  return join(lockRoot(), `run-${hash}.lock`);
}

/**
 * Root locks under /run (or /var/run), where other users cannot create files: in /tmp any
 * local user could create `ssb-0` first and so stop root's backups. Other users lock under
 * /tmp in a folder of their own, which is refused if someone else made it.
 */
function lockRoot(): string {
  const uid = process.getuid?.();
  if (uid === 0) {
    for (const run of ["/run", "/var/run"]) {
      if (existsSync(run)) return join(run, "ssb");
    }
  }
  return join("/tmp", `ssb-${uid ?? "user"}`);
}

/**
 * Creates the lock's directory if needed (mode 0700) and refuses one that another user
 * owns or may write to: whoever controls the directory could swap the lock file and run
 * a second ssb alongside this one.
 */
function preparePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new SsbError(`could not create the lock directory ${dir}: ${errorMessage(cause)}`, {
      cause,
    });
  }

  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  const problem = !stat.isDirectory()
    ? "is not a directory"
    : uid !== undefined && stat.uid !== uid
      ? `belongs to uid ${stat.uid}, not to uid ${uid} running ssb`
      : (stat.mode & 0o022) !== 0
        ? "is writable by other users"
        : undefined;
  if (problem) {
    throw new SsbError(`the lock directory ${dir} ${problem}; remove it and run ssb again`);
  }
}

function describeHolder(path: string): string {
  let holder: Partial<LockHolder> = {};
  try {
    holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
  } catch {
    // The holder has not written its details yet (or the file is damaged): say less.
  }
  if (typeof holder.pid !== "number") return "another ssb run";

  const host = holder.host && holder.host !== hostname() ? ` on ${holder.host}` : "";
  const started = holder.startedAt ? `, started ${holder.startedAt}` : "";
  return `another ssb run (pid ${holder.pid}${host}${started})`;
}

function tryLock(fd: number): boolean {
  const c = loadLibc();
  for (;;) {
    if (c.flock(fd, LOCK_EX | LOCK_NB) === 0) return true;
    const errno = c.errno();
    if (errno === c.wouldBlock) return false;
    if (errno !== EINTR) throw new Error(`flock failed with errno ${errno}`);
  }
}

/**
 * Takes the run lock at `path` without waiting, or throws an SsbError with exit code 3
 * that names the process holding it. On success the lock file holds this process's pid,
 * host and start time until `release()` (or the process's exit).
 */
export function acquireRunLock(path: string): RunLock {
  preparePrivateDir(dirname(path));

  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (cause) {
    throw new SsbError(
      `could not open the lock file ${path}: ${errorMessage(cause)}; check that the user running ssb may write to ${dirname(path)}`,
      { cause },
    );
  }

  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (cause) {
    closeSync(fd);
    throw new SsbError(
      `could not lock ${path}: ${errorMessage(cause)}; the file system may not support locks, so put /tmp or /run on a local disk`,
      { cause },
    );
  }
  if (!locked) {
    closeSync(fd);
    throw new SsbError(`${describeHolder(path)} holds the lock ${path}; wait for it to finish`, {
      exitCode: ExitCode.locked,
    });
  }

  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: formatBackupTime(new Date()),
  };
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
  } catch {
    // The lock holds without the details (a full disk, say); a second run just names no pid.
  }

  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      try {
        ftruncateSync(fd, 0);
        loadLibc().flock(fd, LOCK_UN);
      } finally {
        closeSync(fd);
      }
    },
  };
}
