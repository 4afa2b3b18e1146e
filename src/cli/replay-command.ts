import { parseArgs } from 'node:util';
import { REGO_VERSION_OPTIONS, regoVersionOf } from './rego-version-flag.js';
import { EXIT, runCommand } from './output.js';
import { logWindowFlags, LOG_WINDOW_OPTIONS } from './log-window-flags.js';
import { replayDecisions } from '../replay/replay-decisions.js';
import { replayText } from '../replay/replay-text.js';

export const REPLAY_USAGE =
  'warden replay --log FILE... (--policies DIR | --bundle FILE) [--since 7d|TIME] [--limit N] [--decision PATH] [--envoy-decision PATH] [--format text|json] [--v0]';

/**
 * `warden replay`: re-decides logged decisions with a candidate revision and reports what would
 * change. Exit 0 when no allowed call would be denied, 1 when some would (a CI gate), 2 for a wrong
 * command line, a missing log or a candidate that does not load.
 */
export function replayCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...LOG_WINDOW_OPTIONS,
        policies: { type: 'string' },
        bundle: { type: 'string' },
        decision: { type: 'string' },
        'envoy-decision': { type: 'string' },
        ...REGO_VERSION_OPTIONS,
      },
    });
    const window = logWindowFlags('replay', values, positionals);
    if ((values.policies === undefined) === (values.bundle === undefined)) throw new Error(`replay: give the candidate revision as --policies DIR or --bundle FILE (one of them)\nusage: ${REPLAY_USAGE}`);
    const report = await replayDecisions({
      ...window,
      policies: values.policies,
      bundle: values.bundle,
      entrypoints: { decision: values.decision, envoyDecision: values['envoy-decision'] },
      regoVersion: regoVersionOf(values),
    });
    process.stdout.write(window.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : replayText(report));
    return report.wouldDenyAllowed ? EXIT.failed : EXIT.ok;
  }, EXIT.invalid);
}
