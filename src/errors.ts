/** Exit codes of every command, in one place; `ssb --help` lists them too. */
export const ExitCode = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  locked: 3,
  /** 128 + the signal's number, as shells report a process a signal ended. */
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the operator: its message says what failed, on which file, job or
 * object, and what to do next. The CLI prints the message as one line and exits with
 * `exitCode`; the original error stays as `cause` and its stack shows only with --verbose.
 */
export class SsbError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, options: { exitCode?: ExitCodeValue; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "SsbError";
    this.exitCode = options.exitCode ?? ExitCode.jobFailed;
  }
}

/** The config or the command line is wrong: nothing ran (exit 2). */
export class ConfigError extends SsbError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: ExitCode.usage, cause: options.cause });
    this.name = "ConfigError";
  }
}

/** An object could not be decrypted or authenticated; nothing was written. */
export class DecryptError extends SsbError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: ExitCode.jobFailed, cause: options.cause });
    this.name = "DecryptError";
  }
}

/** Message of any thrown value, for one-line reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
