import { readFileSync } from 'node:fs';
import { fileSignature, pollFile } from '../protection/file-poll.js';
import type { ServeConfig } from './config.js';
import { readServeConfigFile } from './config.js';

/** What a watched config file reports. */
export interface ConfigFileEvents {
  /** The file changed and reads as a valid config. */
  onChange(config: Partial<ServeConfig>): void;
  /** The file changed but cannot be used: what is in force stays. */
  onError(error: Error): void;
}

/**
 * Watches the `--config` file (by polling its status, which follows symlinks, so a Kubernetes
 * ConfigMap's `..data` swap is seen) and reports each change of its text, parsed; a touch that
 * leaves the text as it was reports nothing. Returns the function that stops watching.
 */
export function watchConfigFile(file: string, events: ConfigFileEvents, intervalMs = 1000): () => void {
  const read = (): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  // Taken before the text: a change made in between is seen at the first look.
  const seen = fileSignature(file);
  let last = read();
  return pollFile(file, seen, intervalMs, () => {
    const text = read();
    if (text === last) return;
    last = text;
    let config: Partial<ServeConfig>;
    try {
      config = readServeConfigFile(file);
    } catch (e) {
      events.onError(e as Error);
      return;
    }
    events.onChange(config);
  });
}
