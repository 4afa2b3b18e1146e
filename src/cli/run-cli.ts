import { buildCommand, BUILD_USAGE } from './build-command.js';
import { checkCommand, CHECK_USAGE } from './check-command.js';
import { evalCommand, EVAL_USAGE } from './eval-command.js';
import { testCommand, TEST_USAGE } from './test-command.js';
import { serveCommand, SERVE_USAGE } from './serve-command.js';
import { devCertCommand, DEV_CERT_USAGE } from './dev-cert-command.js';
import { callCommand, CALL_USAGE } from './call-command.js';
import { keysCommand, KEYS_USAGE } from './keys-command.js';

// `warden check` compiles policies; with service flags it asks a running Warden instead.
const SERVICE_FLAGS = ['--cert', '--key', '--action', '--service', '--as'];
const check = (argv: string[]) => (argv.some((a) => SERVICE_FLAGS.includes(a.split('=')[0]!)) ? callCommand(argv) : checkCommand(argv));

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  test: testCommand,
  eval: evalCommand,
  build: buildCommand,
  check,
  serve: serveCommand,
  'dev-cert': devCertCommand,
  keys: keysCommand,
};

const usage = ['usage:', `  ${SERVE_USAGE}`, `  ${DEV_CERT_USAGE}`, `  ${CALL_USAGE}`, `  ${TEST_USAGE}`, `  ${EVAL_USAGE}`, `  ${BUILD_USAGE}`, `  ${CHECK_USAGE}`, ...KEYS_USAGE.map((line) => `  ${line}`)].join('\n');

/** Runs `warden ARGS…`; resolves to the process's exit code. */
export async function runCli([name, ...rest]: string[]): Promise<number> {
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `warden: unknown command ${name}\n` : ''}${usage}\n`);
    return 2;
  }
  return command(rest);
}
