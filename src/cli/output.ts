import { formatDiagnostic } from '../rego/diagnostics.js';
import { CompileError } from '../rego/errors.js';

/** Exit codes of Warden's own commands (serve, keys, check --cert): 1 a deny or a refusal, 2 a wrong command line or config. */
export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

/**
 * Exit codes of the commands that mirror OPA's (test, check, eval, build), as OPA's: 1 when policies
 * or inputs cannot be loaded or compiled (any error), 2 when `test` ran and a test failed.
 */
export const OPA_EXIT = { ok: 0, error: 1, testsFailed: 2 } as const;

/** Prints a compile error's diagnostics (file:line:col, the line, a caret) to stderr. */
export function printCompileError(e: CompileError): void {
  for (const d of e.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  process.stderr.write(`${e.diagnostics.length} error${e.diagnostics.length === 1 ? '' : 's'}\n`);
  if (e.diagnostics.some((d) => V0_SYNTAX.test(d.message))) {
    process.stderr.write('hint: this looks like Rego v0: run with --v0-compatible, or set "rego_version": 0 in the policy directory\'s .manifest\n');
  }
}

/** Messages Rego v1 gives for v0 rules (`p { … }`, `p[x] { … }`). */
const V0_SYNTAX = /`(if|contains)` keyword is required/;

/** Runs a command body, turning known errors into messages and `errorExit` (default {@link EXIT}.invalid). */
export async function runCommand(body: () => Promise<number>, errorExit: number = EXIT.invalid): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CompileError) {
      printCompileError(e);
      return errorExit;
    }
    const err = e as { code?: string; message?: string };
    process.stderr.write(`warden: ${err.message ?? String(e)}\n`);
    return errorExit;
  }
}
