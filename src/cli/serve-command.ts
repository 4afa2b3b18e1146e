import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { servingCompiler } from '../engine/worker-compiler.js';
import { ensureDevCa } from '../devca/dev-ca.js';
import { readServeConfigFile, startServer, type ServeConfig } from '../server/index.js';
import { EXIT, runCommand } from './output.js';

export const SERVE_USAGE =
  'warden serve [--policies DIR] [--bundle FILE] [--listen HOST:PORT] [--tls-cert F --tls-key F --client-ca F] [--dev] ' +
  '[--jwks F|URL --jwt-issuer S --jwt-audience S] [--decision PATH] [--envoy-decision PATH] [--metrics HOST:PORT] [--decision-log FILE] [--config FILE] [--v0]';

/** `warden serve`: the authorization service. `--dev` uses (and creates) the development CA in `.warden/`. */
export function serveCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        policies: { type: 'string' },
        bundle: { type: 'string' },
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
        metrics: { type: 'string' },
        'decision-log': { type: 'string' },
        config: { type: 'string' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    const fromFile = values.config ? readServeConfigFile(values.config) : {};
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
    const compiler = servingCompiler({ regoVersion: regoVersionOf(values) });
    const config: ServeConfig = {
      ...fromFile,
      tls,
      compiler,
      ...(values.policies ? { policies: values.policies } : {}),
      ...(values.bundle ? { bundle: values.bundle } : {}),
      ...(values.listen ? { listen: values.listen } : {}),
      ...(values.decision ? { decision: values.decision } : {}),
      ...(values['envoy-decision'] ? { envoyDecision: values['envoy-decision'] } : {}),
      ...(values.metrics ? { metrics: values.metrics } : {}),
      ...(values['decision-log'] ? { decisionLog: values['decision-log'] } : {}),
      ...(values.jwks ? { jwt: { jwks: values.jwks, issuer: values['jwt-issuer'], audience: values['jwt-audience'] } } : {}),
    };
    const server = await startServer(config);
    process.stderr.write(`warden: serving on ${server.address}${server.metricsUrl ? `, metrics at ${server.metricsUrl}` : ''}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await compiler.close();
    return EXIT.ok;
  });
}
