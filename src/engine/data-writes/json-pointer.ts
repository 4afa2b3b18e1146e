import { DataWriteError } from '../errors.js';

/**
 * The reference tokens of a JSON pointer (RFC 6901): `''` → `[]`, `/a~1b/0` → `['a/b', '0']`.
 *
 * @throws DataWriteError `data_invalid` naming `where` for a pointer that does not start with `/`
 *   or holds a `~` not followed by `0` or `1`
 */
export function pointerTokens(pointer: string, where: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new DataWriteError('data_invalid', `${where}: ${JSON.stringify(pointer)} is not a JSON pointer (it must be empty or start with "/")`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) throw new DataWriteError('data_invalid', `${where}: ${JSON.stringify(pointer)} has a "~" that is not "~0" or "~1"`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** `['a/b', '0']` → `/a~1b/0`, for messages. */
export function pointerText(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
