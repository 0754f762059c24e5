/** An error whose message is complete for a person: printed on one line, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';

  constructor(
    message: string,
    /** Process exit code. @default 1 */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** An error status in the Function App's response; a request that got a 5xx status may succeed when retried. */
export class HttpStatusError extends CliError {
  override name = 'HttpStatusError';

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Runs a command's body and turns any failure into one line on stderr and a non-zero exit code. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  // A reader that closes early, such as `| head`, is not a failure of the command.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (error) {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}

/** Describes any thrown value in one line, with the cause or code of network and storage errors. */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? code;
  const text = detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message;
  return text.split('\n')[0];
}
