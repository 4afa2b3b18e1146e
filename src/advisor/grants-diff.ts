import { createTwoFilesPatch } from 'diff';
import { dataJsonText } from './data-json-text.js';
import type { Grant } from './grant.js';
import type { GrantsFile } from './grants-file.js';

/** data.json with its grants replaced by `grants`, as text in the file's style (see dataJsonText). */
export function dataJsonWithGrants(file: GrantsFile, grants: readonly Grant[]): string {
  const document = structuredClone(file.document);
  let at: Record<string, unknown> = document;
  for (const key of file.keysInFile.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[file.keysInFile.at(-1)!] = grants;
  return dataJsonText(document, file.keysInFile);
}

/**
 * A unified diff (`--- a/…`, `+++ b/…`, `@@` hunks, 3 lines of context) from the file as it is on
 * disk to `newText`, empty when they are the same. Made with jsdiff (npm `diff`): a maintained
 * Myers diff whose hunks `git apply` and `patch -p1` accept.
 */
export function unifiedDiff(file: GrantsFile, newText: string): string {
  if (newText === file.text) return '';
  const patch = createTwoFilesPatch(`a/${file.relativePath}`, `b/${file.relativePath}`, file.text, newText, undefined, undefined, { context: 3 });
  // jsdiff starts with a line of `=`, which is not part of the unified format.
  return patch.replace(/^=+\n/, '');
}
