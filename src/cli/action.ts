import { ExitCode, SsbError } from "../errors.ts";

/**
 * Runs a command's body and turns what it returns or throws into the process exit code.
 * An operator error prints as one line; anything else is a bug, printed with its stack.
 * Stacks and causes of operator errors show only with --verbose.
 */
export async function runAction(verbose: boolean | undefined, body: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (error) {
    code = reportError(error, verbose ?? false);
  }
  process.exit(code);
}

function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof SsbError) {
    process.stderr.write(`ssb: ${error.message}\n`);
    if (verbose && error.cause) process.stderr.write(`${formatCause(error.cause)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`ssb: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.jobFailed;
}

function formatCause(cause: unknown): string {
  return `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
}
