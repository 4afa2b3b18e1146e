import type { Logger } from 'pino';
import type { WardenMetrics } from '../audit/index.js';
import { ApiKeySource } from '../credentials/api-key-source.js';
import { CredentialChecks } from '../credentials/credential-checks.js';
import { parseCredentialRules } from '../credentials/credential-rules.js';
import { CredentialWatch } from '../credentials/credential-watch.js';
import type { Countermeasures } from '../protection/countermeasures.js';
import type { ServeConfig } from './config.js';

/** The server's credential checks, and how to stop following the key store. */
export interface CredentialSetup {
  credentials: CredentialChecks;
  close(): void;
}

/**
 * The credential rules (`credentials:`) and the API key store (`apiKeys:`) of `config`, watched
 * into `warden_credential_age_seconds` and alerting through the countermeasures.
 *
 * @throws CredentialError when a rule is malformed or the key store exists and cannot be read
 */
export function credentialSetup(config: Pick<ServeConfig, 'credentials' | 'apiKeys'>, parts: { logger: Logger; metrics: WardenMetrics; countermeasures: Countermeasures }): CredentialSetup {
  const { logger, metrics, countermeasures } = parts;
  const rules = parseCredentialRules(config.credentials);
  const file = config.apiKeys;
  const apiKeys = file
    ? new ApiKeySource(file, {
        onReload: (keys) => logger.info({ file, keys }, 'API key store reloaded'),
        onError: (e) => logger.error({ file, err: { message: e.message } }, 'API key store unreadable: every API key is refused until it can be read'),
      })
    : undefined;
  const watch = new CredentialWatch(rules, {
    observeAge: (kind, seconds) => metrics.credentialAge.observe(kind, seconds),
    raise: (alert) => countermeasures.raise(alert),
  });
  return { credentials: new CredentialChecks({ rules, watch, logger, ...(apiKeys ? { apiKeys } : {}) }), close: () => apiKeys?.close() };
}
