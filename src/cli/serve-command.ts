import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { servingCompiler } from '../engine/worker-compiler.js';
import { ensureDevCa } from '../devca/dev-ca.js';
import { watchConfigFile } from '../server/config-file-watch.js';
import { readServeConfigFile, startServer, RELEASE_STEP_MS, type ServeConfig, type WardenServer } from '../server/index.js';
import { EXIT, runCommand } from './output.js';

export const SERVE_USAGE =
  'warden serve [--policies DIR | --bundle FILE | --bundle-url URL [--bundle-cache-dir DIR]] [--verification-key F [--verification-key-id ID]] [--listen HOST:PORT] [--tls-cert F --tls-key F --client-ca F] [--dev] ' +
  '[--jwks F|URL --jwt-issuer S --jwt-audience S] [--decision PATH] [--envoy-decision PATH] [--envoy-expose-reasons] [--http HOST:PORT [--http-plaintext]] [--metrics HOST:PORT] [--decision-log FILE] [--redis URL] [--shadow DIR|FILE] [--console HOST:PORT] [--config FILE] [--v0]';

/** `warden serve`: the authorization service. `--dev` uses (and creates) the development CA in `.warden/`. */
export function serveCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        policies: { type: 'string' },
        bundle: { type: 'string' },
        'bundle-url': { type: 'string' },
        'bundle-cache-dir': { type: 'string' },
        'verification-key': { type: 'string' },
        'verification-key-id': { type: 'string' },
        listen: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'client-ca': { type: 'string' },
        dev: { type: 'boolean' },
        jwks: { type: 'string' },
        'jwt-issuer': { type: 'string' },
        'jwt-audience': { type: 'string' },
        decision: { type: 'string' },
        'envoy-decision': { type: 'string' },
        'envoy-expose-reasons': { type: 'boolean' },
        http: { type: 'string' },
        'http-plaintext': { type: 'boolean' },
        metrics: { type: 'string' },
        'decision-log': { type: 'string' },
        config: { type: 'string' },
        redis: { type: 'string' },
        shadow: { type: 'string' },
        console: { type: 'string' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    const fromFile = values.config ? readServeConfigFile(values.config) : {};
    // JWT flags override the config file's `jwt` key by key; the verifier checks that the result is complete.
    let jwt = fromFile.jwt;
    const issuer = values['jwt-issuer'];
    const audience = values['jwt-audience'];
    if (values.jwks !== undefined || issuer !== undefined || audience !== undefined) {
      const jwks = values.jwks ?? jwt?.jwks;
      if (jwks === undefined) {
        process.stderr.write('warden serve: --jwt-issuer and --jwt-audience need --jwks (or jwt.jwks in --config)\n');
        return EXIT.invalid;
      }
      jwt = { ...jwt, jwks, ...(issuer !== undefined ? { issuer } : {}), ...(audience !== undefined ? { audience } : {}) };
    }
    let tls = fromFile.tls;
    if (values['tls-cert'] || values['tls-key'] || values['client-ca']) {
      if (!values['tls-cert'] || !values['tls-key'] || !values['client-ca']) {
        process.stderr.write('warden serve: --tls-cert, --tls-key and --client-ca go together\n');
        return EXIT.invalid;
      }
      // The files come from the flags; the rest of `tls` (minVersion, refresh) still from the file.
      tls = { ...fromFile.tls, cert: values['tls-cert'], key: values['tls-key'], clientCa: values['client-ca'] };
    } else if (!tls || values.dev) {
      if (!values.dev) {
        process.stderr.write('warden serve: mTLS is required: give --tls-cert, --tls-key and --client-ca, or --dev for the development CA\n');
        return EXIT.invalid;
      }
      const ca = ensureDevCa();
      tls = { ...fromFile.tls, cert: ca.serverCert, key: ca.serverKey, clientCa: ca.ca };
      process.stderr.write(`warden: development CA in ${ca.dir}/ (issue client certificates with \`warden dev-cert SPIFFE_ID\`)\n`);
    }
    let bundleVerification = fromFile.bundleVerification;
    if (values['verification-key'] !== undefined) bundleVerification = { ...bundleVerification, keyFile: values['verification-key'] };
    if (values['verification-key-id'] !== undefined) {
      if (!bundleVerification) {
        process.stderr.write('warden serve: --verification-key-id needs --verification-key (or bundleVerification.keyFile in --config)\n');
        return EXIT.invalid;
      }
      bundleVerification = { ...bundleVerification, keyId: values['verification-key-id'] };
    }
    const compiler = servingCompiler({ regoVersion: regoVersionOf(values) });
    const config: ServeConfig = {
      ...fromFile,
      tls,
      compiler,
      ...(values.policies ? { policies: values.policies } : {}),
      ...(values.bundle ? { bundle: values.bundle } : {}),
      // The URL from the flag; poll bounds, headers and TLS still from the file's bundleService.
      ...(values['bundle-url'] ? { bundleService: { ...fromFile.bundleService, url: values['bundle-url'] } } : {}),
      ...(values['bundle-cache-dir'] ? { bundleCacheDir: values['bundle-cache-dir'] } : {}),
      ...(values.listen ? { listen: values.listen } : {}),
      ...(values.decision ? { decision: values.decision } : {}),
      ...(values['envoy-decision'] ? { envoyDecision: values['envoy-decision'] } : {}),
      ...(values['envoy-expose-reasons'] ? { envoy: { ...fromFile.envoy, exposeReasons: true } } : {}),
      // --http replaces the address only: the file's host names and CORS origins still apply.
      ...(values.http ? { http: typeof fromFile.http === 'object' ? { ...fromFile.http, listen: values.http } : values.http } : {}),
      ...(values['http-plaintext'] ? { httpPlaintext: true } : {}),
      ...(values.metrics ? { metrics: values.metrics } : {}),
      ...(values['decision-log'] ? { decisionLog: values['decision-log'] } : {}),
      // --redis replaces the URL only: the file's password, TLS files and budget still apply.
      ...(values.redis ? { redis: typeof fromFile.redis === 'object' ? { ...fromFile.redis, url: values.redis } : values.redis } : {}),
      // --shadow replaces the source only: the file's sample still applies.
      ...(values.shadow ? { shadow: { ...fromFile.shadow, source: values.shadow } } : {}),
      // --console replaces the address only: the file's admins, hosts and session limits still apply.
      ...(values.console ? { console: typeof fromFile.console === 'object' ? { ...fromFile.console, listen: values.console } : values.console } : {}),
      ...(values.dev ? { devLogin: true } : {}),
      ...(jwt ? { jwt } : {}),
      ...(bundleVerification ? { bundleVerification } : {}),
    };
    let server: WardenServer;
    try {
      server = await startServer(config);
    } catch (e) {
      await compiler.close();
      throw e;
    }
    process.stderr.write(`warden: serving on ${server.address}${server.httpAddress ? `, HTTP (forward auth, OPA REST API) on ${server.httpAddress}` : ''}${server.metricsUrl ? `, metrics at ${server.metricsUrl}` : ''}\n`);
    if (server.consoleUrl) process.stderr.write(`warden: console at ${server.consoleUrl}\n`);
    // The link is a credential: it goes to the operator's terminal only, never to a log.
    if (server.consoleLoginLink) process.stderr.write(`warden: console login link (one use, 10 minutes): ${server.consoleLoginLink}\n`);
    // The countermeasures follow the config file as it changes; the rest of it applies at start.
    const configFile = values.config;
    const stopWatching = configFile
      ? watchConfigFile(configFile, {
          onChange: (changed) => {
            try {
              server.reconfigure(changed);
            } catch (e) {
              process.stderr.write(`warden: config ${configFile} not applied, the one in force stays: ${(e as Error).message}\n`);
            }
          },
          onError: (e) => process.stderr.write(`warden: config ${configFile} not applied, the one in force stays: ${e.message}\n`),
        })
      : () => undefined;
    await untilStopSignal(server);
    stopWatching();
    await server.close();
    await compiler.close();
    return EXIT.ok;
  });
}

/**
 * Waits for SIGTERM or SIGINT; meanwhile SIGHUP re-reads the TLS files and reloads the policy.
 * After the first stop signal, the process exits once the server has drained,
 * or at the latest when the drain's bound and a second's grace have passed — even if a thread is
 * stuck (a decision log writing to a stdout nobody reads); a second stop signal exits at once.
 */
async function untilStopSignal(server: WardenServer): Promise<void> {
  const reload = () => {
    void server.reloadAll();
  };
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      process.once('SIGINT', () => process.exit(EXIT.failed));
      process.once('SIGTERM', () => process.exit(EXIT.failed));
      process.stderr.write(`warden: ${signal}, stopping\n`);
      setTimeout(() => process.exit(EXIT.ok), server.shutdownTimeoutMs + RELEASE_STEP_MS * 2).unref();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.removeListener('SIGHUP', reload);
}
