import { formatDiagnostic } from '../rego/diagnostics.js';
import { CompileError } from '../rego/errors.js';

/** Exit codes shared by the policy tools. */
export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

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

/** Runs a command body, turning known errors into messages and exit codes. */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CompileError) {
      printCompileError(e);
      return EXIT.invalid;
    }
    const err = e as { code?: string; message?: string };
    process.stderr.write(`warden: ${err.message ?? String(e)}\n`);
    return EXIT.invalid;
  }
}
