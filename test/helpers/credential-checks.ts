/** Credential checks as a server builds them, for tests of one door: no rules beyond the defaults unless given. */
import { pino, type Logger } from 'pino';
import type { ApiKeySource } from '../../src/credentials/api-key-source.js';
import { CredentialChecks } from '../../src/credentials/credential-checks.js';
import { parseCredentialRules } from '../../src/credentials/credential-rules.js';
import { CredentialWatch } from '../../src/credentials/credential-watch.js';

export function testCredentialChecks(options: { rules?: unknown; apiKeys?: ApiKeySource; logger?: Logger } = {}): CredentialChecks {
  const rules = parseCredentialRules(options.rules);
  return new CredentialChecks({ rules, watch: new CredentialWatch(rules, { raise: () => undefined }), logger: options.logger ?? pino({ level: 'silent' }), ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}) });
}
