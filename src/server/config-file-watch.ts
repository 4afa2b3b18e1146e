import { readFileSync, unwatchFile, watchFile } from 'node:fs';
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
 * ConfigMap's `..data` swap is seen) and reports each change of its text, parsed; a change back and
 * forth between two polls, or a touch that leaves the text as it was, reports nothing. Returns the
 * function that stops watching.
 */
export function watchConfigFile(file: string, events: ConfigFileEvents, intervalMs = 1000): () => void {
  const read = (): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  let last = read();
  const listener = () => {
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
  };
  watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(file, listener);
}
