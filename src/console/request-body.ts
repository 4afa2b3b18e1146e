import type { IncomingMessage } from 'node:http';
import { ConsoleError } from './errors.js';

/**
 * Reads a JSON body of at most `maxBytes`, sent as `application/json` (which a cross-site HTML form
 * cannot send).
 *
 * @throws ConsoleError `console_bad_request` saying what is wrong with it
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ConsoleError('console_bad_request', `the body must be application/json, not ${JSON.stringify(type)}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ConsoleError('console_bad_request', `the body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConsoleError('console_bad_request', `the body is not JSON: ${(e as Error).message}`, { cause: e });
  }
}
