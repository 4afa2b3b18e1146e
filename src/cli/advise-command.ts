import { parseArgs } from 'node:util';
import { EXIT, runCommand } from './output.js';
import { countFlag, logWindowFlags, LOG_WINDOW_OPTIONS } from './log-window-flags.js';
import { adviseFromLogs } from '../advisor/advise.js';
import { adviceText } from '../advisor/advice-text.js';
import { DEFAULT_PROBING } from '../advisor/probing.js';
import { spanMs } from '../replay/since-flag.js';

export const ADVISE_USAGE =
  'warden advise --log FILE... (--policies DIR | --bundle FILE) [--since 7d|TIME] [--limit N] [--min-denials N] [--probe-targets N] [--probe-window 10m] [--format text|json]';

/**
 * `warden advise`: least-privilege advice from decision logs: grants unused in the window,
 * recurring denied edges (flagged when they look like probing), and the minimal grants as a diff
 * of data.json (of a policy directory, or of a bundle file as `replay --bundle` takes). Exit 0 with advice, 2 for a wrong command line, a missing log or a policy layout it
 * does not read.
 */
export function adviseCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...LOG_WINDOW_OPTIONS,
        policies: { type: 'string' },
        bundle: { type: 'string' },
        'min-denials': { type: 'string' },
        'probe-targets': { type: 'string' },
        'probe-window': { type: 'string' },
      },
    });
    const window = logWindowFlags('advise', values, positionals);
    if ((values.policies === undefined) === (values.bundle === undefined)) throw new Error(`advise: give the grants as the policy directory or the bundle whose data.json holds them (--policies DIR or --bundle FILE, one of them)\nusage: ${ADVISE_USAGE}`);
    const windowMs = values['probe-window'] === undefined ? DEFAULT_PROBING.windowMs : spanMs(values['probe-window']);
    if (windowMs === undefined || windowMs <= 0) throw new Error(`advise: --probe-window ${JSON.stringify(values['probe-window'])}: want a span such as 10m, 1h or 90s`);
    const advice = await adviseFromLogs({
      ...window,
      ...(values.policies !== undefined ? { policies: values.policies } : { bundle: values.bundle! }),
      minDenials: countFlag('advise', '--min-denials', values['min-denials']),
      probing: { targets: countFlag('advise', '--probe-targets', values['probe-targets']) ?? DEFAULT_PROBING.targets, windowMs },
    });
    process.stdout.write(window.format === 'json' ? `${JSON.stringify(advice, null, 2)}\n` : adviceText(advice));
    return EXIT.ok;
  }, EXIT.invalid);
}
