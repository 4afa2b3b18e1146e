#!/usr/bin/env node
import { buildCommand, BUILD_USAGE } from './build-command.js';
import { checkCommand, CHECK_USAGE } from './check-command.js';
import { evalCommand, EVAL_USAGE } from './eval-command.js';
import { testCommand, TEST_USAGE } from './test-command.js';

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  test: testCommand,
  eval: evalCommand,
  build: buildCommand,
  check: checkCommand,
};

const usage = ['usage:', `  ${TEST_USAGE}`, `  ${EVAL_USAGE}`, `  ${BUILD_USAGE}`, `  ${CHECK_USAGE}`].join('\n');

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(`${name ? `warden: unknown command ${name}\n` : ''}${usage}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await command(rest);
}
