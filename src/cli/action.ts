import { ExitCode, SsbError } from "../errors.ts";

/**
 * Runs a command's body and turns what it returns or throws into the process exit code.
 * An operator error prints as one line; anything else is a bug, printed with its stack.
 * Stacks and causes of operator errors show only with --verbose.
 */
export async function runAction(
  verbose: boolean | undefined,
  body: (signal: AbortSignal) => Promise<number>,
  opts: { cleansUp?: boolean } = {},
): Promise<void> {
  const interrupt = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    // A command that writes (run, restore) gets the first signal to clean up: abort uploads,
    // remove temporary files. A second signal, or any signal to one that only reads, stops
    // at once.
    if (signalled || !opts.cleansUp) process.exit(exitCodeFor(name));
    signalled = name;
    process.stderr.write(`ssb: ${name} received; cleaning up, send it again to stop at once\n`);
    interrupt.abort(new Error(`interrupted by ${name}`));
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);

  let code: number;
  try {
    code = await body(interrupt.signal);
  } catch (error) {
    code = reportError(error, verbose ?? false);
  }
  process.exit(signalled ? exitCodeFor(signalled) : code);
}

function exitCodeFor(name: NodeJS.Signals): number {
  return name === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
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
