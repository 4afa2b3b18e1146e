import { statSync } from 'node:fs';

/** What identifies a version of a file: its inode, size and times (`''` when it cannot be read). */
export function fileSignature(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return '';
  }
}

/**
 * Calls `onChange` whenever `file`'s signature differs from `since` (the signature taken before the
 * caller last read it: a change made between that and the first look is still seen), looking every
 * `intervalMs` (status only, following symlinks, so a rename over it or a Kubernetes `..data` swap
 * counts). Returns the function that stops looking. The timer does not keep the process alive.
 */
export function pollFile(file: string, since: string, intervalMs: number, onChange: () => void): () => void {
  let last = since;
  const timer = setInterval(() => {
    const now = fileSignature(file);
    if (now === last) return;
    last = now;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
