import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PolicyRevision } from '../engine/revision.js';
import type { Countermeasures } from '../protection/countermeasures.js';
import type { ShadowEvaluator } from '../shadow/shadow-evaluator.js';
import type { MtlsCredentials } from '../server/tls.js';
import type { ConsoleSettings } from './console-config.js';
import { startConsoleServer, type ConsoleServer } from './console-server.js';
import type { DecisionFeed } from './decision-feed.js';
import { loadPolicyFiles } from '../bundle/policy-files.js';
import { Playground } from './playground.js';
import type { RevisionOrigin } from './revision-view.js';
import { CONSOLE_WEB_ROOT } from './web-root.js';

/** What `warden serve` hands the console once it is serving. */
export interface ConsoleParts {
  settings: ConsoleSettings;
  feed: DecisionFeed;
  tls: MtlsCredentials;
  logger: Logger;
  registry: Registry;
  countermeasures: Countermeasures;
  revision: () => PolicyRevision | undefined;
  origin: RevisionOrigin;
  policyDir?: string;
  shadow?: ShadowEvaluator;
  decision: string;
  envoyDecision: string;
  webRoot?: string;
}

/** Starts the console over the running server's parts. */
export function startConsole(parts: ConsoleParts): Promise<ConsoleServer> {
  const policyDir = parts.policyDir;
  const testModules = policyDir ? () => loadPolicyFiles([policyDir]).modules.filter((m) => m.path.endsWith('_test.rego')) : undefined;
  const playground = new Playground({ revision: parts.revision, feed: parts.feed, entrypoints: { decision: parts.decision, envoyDecision: parts.envoyDecision }, ...(testModules ? { testModules } : {}) });
  return startConsoleServer({
    settings: parts.settings,
    tls: parts.tls,
    logger: parts.logger,
    webRoot: parts.webRoot ?? CONSOLE_WEB_ROOT,
    sources: {
      feed: parts.feed,
      playground,
      countermeasures: parts.countermeasures,
      registry: parts.registry,
      revision: parts.revision,
      origin: parts.origin,
      ...(parts.policyDir ? { policyDir: parts.policyDir } : {}),
      ...(parts.shadow ? { shadow: parts.shadow } : {}),
    },
  });
}
