import { parseArgs } from 'node:util';
import { CLIENT_TLS_OPTIONS } from './source-flags.js';
import { healthStatus } from '../server/health-client.js';
import { EXIT, runCommand } from './output.js';

export const HEALTH_USAGE = 'warden health --cert F --key F [--ca F] [--address HOST:PORT] [--service NAME] [--timeout MS]';

/**
 * `warden health`: asks a running Warden's gRPC health service (a container's HEALTHCHECK, a
 * Kubernetes exec probe); prints the status, exit 0 only for SERVING. Any error is exit 1.
 */
export function healthCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...CLIENT_TLS_OPTIONS,
        address: { type: 'string', default: '127.0.0.1:9191' },
        service: { type: 'string', default: '' },
        timeout: { type: 'string', default: '3000' },
      },
    });
    const timeoutMs = Number(values.timeout);
    if (!values.cert || !values.key || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      process.stderr.write(`usage: ${HEALTH_USAGE} (--timeout in whole milliseconds)\n`);
      return EXIT.invalid;
    }
    const status = await healthStatus({ address: values.address!, cert: values.cert, key: values.key, ca: values.ca!, service: values.service, timeoutMs });
    process.stdout.write(`${status}\n`);
    return status === 'SERVING' ? EXIT.ok : EXIT.failed;
  }, EXIT.failed);
}
