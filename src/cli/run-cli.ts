type Command = (argv: string[]) => Promise<number>;

// `warden check` compiles policies; with service flags it asks a running Warden instead.
const SERVICE_FLAGS = ['--cert', '--key', '--action', '--service', '--as', '--api-key'];

// Each command's modules load only when it runs: `warden keys` or `warden check --cert …` should
// not wait for the whole server and compiler to load (seconds under tsx, on a busy machine more).
const commands = new Map<string, () => Promise<Command>>([
  ['test', async () => (await import('./test-command.js')).testCommand],
  ['eval', async () => (await import('./eval-command.js')).evalCommand],
  ['build', async () => (await import('./build-command.js')).buildCommand],
  [
    'check',
    async () => (argv: string[]) =>
      argv.some((a) => SERVICE_FLAGS.includes(a.split('=')[0]!))
        ? import('./call-command.js').then((m) => m.callCommand(argv))
        : import('./check-command.js').then((m) => m.checkCommand(argv)),
  ],
  ['serve', async () => (await import('./serve-command.js')).serveCommand],
  ['dev-cert', async () => (await import('./dev-cert-command.js')).devCertCommand],
  ['keys', async () => (await import('./keys-command.js')).keysCommand],
  ['fmt', async () => (await import('./fmt-command.js')).fmtCommand],
]);

/** The usage line(s) of one command, as its module states them. */
async function usageOf(name: string): Promise<string[] | undefined> {
  switch (name) {
    case 'serve':
      return [(await import('./serve-command.js')).SERVE_USAGE];
    case 'dev-cert':
      return [(await import('./dev-cert-command.js')).DEV_CERT_USAGE];
    case 'check':
      return [(await import('./check-command.js')).CHECK_USAGE, (await import('./call-command.js')).CALL_USAGE];
    case 'test':
      return [(await import('./test-command.js')).TEST_USAGE];
    case 'eval':
      return [(await import('./eval-command.js')).EVAL_USAGE];
    case 'build':
      return [(await import('./build-command.js')).BUILD_USAGE];
    case 'keys':
      return [...(await import('./keys-command.js')).KEYS_USAGE];
    case 'fmt':
      return [(await import('./fmt-command.js')).FMT_USAGE];
    default:
      return undefined;
  }
}

async function usage(): Promise<string> {
  const [serve, devCert, call, test, evaluate, build, check, keys, fmt] = await Promise.all([
    import('./serve-command.js').then((m) => m.SERVE_USAGE),
    import('./dev-cert-command.js').then((m) => m.DEV_CERT_USAGE),
    import('./call-command.js').then((m) => m.CALL_USAGE),
    import('./test-command.js').then((m) => m.TEST_USAGE),
    import('./eval-command.js').then((m) => m.EVAL_USAGE),
    import('./build-command.js').then((m) => m.BUILD_USAGE),
    import('./check-command.js').then((m) => m.CHECK_USAGE),
    import('./keys-command.js').then((m) => m.KEYS_USAGE),
    import('./fmt-command.js').then((m) => m.FMT_USAGE),
  ]);
  return ['usage:', ...[serve, devCert, call, test, evaluate, build, check, ...keys, fmt].map((line) => `  ${line}`)].join('\n');
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
  const load = name ? commands.get(name) : undefined;
  if (!load) {
    process.stderr.write(`${name ? `warden: unknown command ${name}\n` : ''}${await usage()}\n`);
    return 2;
  }
  return (await load())(rest);
}
