import type { PolicyModule } from '../engine/revision.js';
import { ConsoleError } from './errors.js';

/** What the playground sends: its edited modules (the live ones when absent), and an input or a decision id. */
export interface PlaygroundRequest {
  modules?: PolicyModule[];
  input?: unknown;
  decisionId?: string;
  /** The rule path to evaluate, `warden/authz/decision` by default. */
  entrypoint?: string;
}

const MAX_MODULES = 200;

/**
 * Checks a playground body.
 *
 * @throws ConsoleError `console_bad_request` saying which field is wrong
 */
export function parsePlaygroundRequest(body: unknown): PlaygroundRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ConsoleError('console_bad_request', 'the body must be a JSON object');
  const { modules, input, decisionId, entrypoint } = body as Record<string, unknown>;
  const request: PlaygroundRequest = {};
  if (modules !== undefined) {
    if (!Array.isArray(modules) || modules.length > MAX_MODULES) throw new ConsoleError('console_bad_request', `modules must be a list of at most ${MAX_MODULES} { path, source }`);
    request.modules = modules.map((m, i) => {
      const { path, source } = (m ?? {}) as Record<string, unknown>;
      if (typeof path !== 'string' || path === '' || typeof source !== 'string') throw new ConsoleError('console_bad_request', `modules[${i}] must have a non-empty string path and a string source`);
      return { path, source };
    });
  }
  if (decisionId !== undefined) {
    if (typeof decisionId !== 'string' || decisionId === '') throw new ConsoleError('console_bad_request', 'decisionId must be a non-empty string');
    request.decisionId = decisionId;
  }
  if (input !== undefined) request.input = input;
  if (entrypoint !== undefined) {
    if (typeof entrypoint !== 'string' || !/^[A-Za-z_][\w]*(\/[A-Za-z_][\w]*)*$/.test(entrypoint)) throw new ConsoleError('console_bad_request', 'entrypoint must be a rule path such as warden/authz/decision');
    request.entrypoint = entrypoint;
  }
  return request;
}
