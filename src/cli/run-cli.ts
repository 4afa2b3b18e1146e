type Command = (argv: string[]) => Promise<number>;

// `warden check` compiles policies; with service flags it asks a running Warden instead.
const SERVICE_FLAGS = ['--cert', '--key', '--action', '--service', '--as', '--api-key'];

// Each command's modules load only when it runs: `warden keys` or `warden check --cert …` should
// not wait for the whole server and compiler to load (seconds under tsx, on a busy machine more).
// One entry a command: how to run it and its usage line(s), as its module states them.
interface CommandEntry {
  run: () => Promise<Command>;
  usage: () => Promise<readonly string[]>;
}

const commands = new Map<string, CommandEntry>([
  ['serve', { run: async () => (await import('./serve-command.js')).serveCommand, usage: async () => [(await import('./serve-command.js')).SERVE_USAGE] }],
  ['dev-cert', { run: async () => (await import('./dev-cert-command.js')).devCertCommand, usage: async () => [(await import('./dev-cert-command.js')).DEV_CERT_USAGE] }],
  [
    'check',
    {
      run: async () => (argv: string[]) =>
        argv.some((a) => SERVICE_FLAGS.includes(a.split('=')[0]!))
          ? import('./call-command.js').then((m) => m.callCommand(argv))
          : import('./check-command.js').then((m) => m.checkCommand(argv)),
      usage: async () => [(await import('./check-command.js')).CHECK_USAGE, (await import('./call-command.js')).CALL_USAGE],
    },
  ],
  ['test', { run: async () => (await import('./test-command.js')).testCommand, usage: async () => [(await import('./test-command.js')).TEST_USAGE] }],
  ['eval', { run: async () => (await import('./eval-command.js')).evalCommand, usage: async () => [(await import('./eval-command.js')).EVAL_USAGE] }],
  ['fmt', { run: async () => (await import('./fmt-command.js')).fmtCommand, usage: async () => [(await import('./fmt-command.js')).FMT_USAGE] }],
  ['build', { run: async () => (await import('./build-command.js')).buildCommand, usage: async () => [(await import('./build-command.js')).BUILD_USAGE] }],
  ['inspect', { run: async () => (await import('./inspect-command.js')).inspectCommand, usage: async () => [(await import('./inspect-command.js')).INSPECT_USAGE] }],
  ['parse', { run: async () => (await import('./parse-command.js')).parseCommand, usage: async () => [(await import('./parse-command.js')).PARSE_USAGE] }],
  ['deps', { run: async () => (await import('./deps-command.js')).depsCommand, usage: async () => [(await import('./deps-command.js')).DEPS_USAGE] }],
  ['capabilities', { run: async () => (await import('./capabilities-command.js')).capabilitiesCommand, usage: async () => [(await import('./capabilities-command.js')).CAPABILITIES_USAGE] }],
  ['bench', { run: async () => (await import('./bench-command.js')).benchCommand, usage: async () => [(await import('./bench-command.js')).BENCH_USAGE] }],
  ['health', { run: async () => (await import('./health-command.js')).healthCommand, usage: async () => [(await import('./health-command.js')).HEALTH_USAGE] }],
  ['replay', { run: async () => (await import('./replay-command.js')).replayCommand, usage: async () => [(await import('./replay-command.js')).REPLAY_USAGE] }],
  ['advise', { run: async () => (await import('./advise-command.js')).adviseCommand, usage: async () => [(await import('./advise-command.js')).ADVISE_USAGE] }],
  ['keys', { run: async () => (await import('./keys-command.js')).keysCommand, usage: async () => (await import('./keys-command.js')).KEYS_USAGE }],
]);

/** The usage line(s) of one command, as its module states them. */
async function usageOf(name: string): Promise<readonly string[] | undefined> {
  return commands.get(name)?.usage();
}

async function usage(): Promise<string> {
  const lines = await Promise.all([...commands.values()].map((c) => c.usage()));
  return ['usage:', ...lines.flat().map((line) => `  ${line}`)].join('\n');
}

const HELP = new Set(['--help', '-h']);

/** `warden help [CMD]`, `warden CMD --help`: the usage asked for, on stdout, exit 0 (unknown CMD: 1). */
async function help(name: string | undefined): Promise<number> {
  if (name === undefined) {
    process.stdout.write(`${await usage()}\n  warden version\n  warden help [COMMAND]\n`);
    return 0;
  }
  const lines = await usageOf(name);
  if (!lines) {
    process.stderr.write(`warden: unknown command ${name}\n${await usage()}\n`);
    return 1;
  }
  process.stdout.write(`usage:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
  return 0;
}

/** Runs `warden ARGS…`; resolves to the process's exit code. */
export async function runCli([name, ...rest]: string[]): Promise<number> {
  if (name === 'help' || (name !== undefined && HELP.has(name))) return help(name === 'help' ? rest[0] : undefined);
  if (name === 'version' || name === '--version') {
    process.stdout.write(`Version: ${(await import('../warden-version.js')).wardenVersion()}\n`);
    return 0;
  }
  if (name !== undefined && rest.some((a) => HELP.has(a)) && commands.has(name)) return help(name);
  const load = name ? commands.get(name)?.run : undefined;
  if (!load) {
    process.stderr.write(`${name ? `warden: unknown command ${name}\n` : ''}${await usage()}\n`);
    return 2;
  }
  return (await load())(rest);
}
