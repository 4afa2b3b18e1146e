import { useCallback, useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

/** GETs `path` (again when it changes, or on `reload`), with its error as text. */
export function useJson<T>(path: string): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    getJson<T>(path).then(
      (d) => live && (setData(d), setError(undefined)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  return { data, error, reload: useCallback(() => setTick((n) => n + 1), []) };
}
