import { parseArgs } from 'node:util';
import { CLIENT_TLS_OPTIONS } from './source-flags.js';
import { checkOnce } from '../server/check-client.js';
import { EXIT, runCommand } from './output.js';

export const CALL_USAGE = 'warden check --cert F --key F --action A --service S [--path P] [--as SPIFFE_ID | --api-key KEY] [--address HOST:PORT] [--ca F]';

/** `warden check --cert …`: asks a running Warden whether a call is allowed; exit 0 allowed, 1 denied. */
export function callCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...CLIENT_TLS_OPTIONS,
        action: { type: 'string' },
        service: { type: 'string' },
        path: { type: 'string' },
        as: { type: 'string' },
        'api-key': { type: 'string' },
        address: { type: 'string', default: '127.0.0.1:9191' },
      },
    });
    if (!values.cert || !values.key || !values.action || !values.service || (values.as !== undefined && values['api-key'] !== undefined)) {
      process.stderr.write(`usage: ${CALL_USAGE}\n`);
      return EXIT.invalid;
    }
    const answer = await checkOnce({
      address: values.address!,
      cert: values.cert,
      key: values.key,
      ca: values.ca!,
      action: values.action,
      service: values.service,
      path: values.path,
      asSpiffeId: values.as,
      apiKey: values['api-key'],
    });
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return answer.allowed ? EXIT.ok : EXIT.failed;
  });
}
