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
]);

async function usage(): Promise<string> {
  const [serve, devCert, call, test, evaluate, build, check, keys] = await Promise.all([
    import('./serve-command.js').then((m) => m.SERVE_USAGE),
    import('./dev-cert-command.js').then((m) => m.DEV_CERT_USAGE),
    import('./call-command.js').then((m) => m.CALL_USAGE),
    import('./test-command.js').then((m) => m.TEST_USAGE),
    import('./eval-command.js').then((m) => m.EVAL_USAGE),
    import('./build-command.js').then((m) => m.BUILD_USAGE),
    import('./check-command.js').then((m) => m.CHECK_USAGE),
    import('./keys-command.js').then((m) => m.KEYS_USAGE),
  ]);
  return ['usage:', ...[serve, devCert, call, test, evaluate, build, check, ...keys].map((line) => `  ${line}`)].join('\n');
}

/** Runs `warden ARGS…`; resolves to the process's exit code. */
export async function runCli([name, ...rest]: string[]): Promise<number> {
  const load = name ? commands.get(name) : undefined;
  if (!load) {
    process.stderr.write(`${name ? `warden: unknown command ${name}\n` : ''}${await usage()}\n`);
    return 2;
  }
  return (await load())(rest);
}
