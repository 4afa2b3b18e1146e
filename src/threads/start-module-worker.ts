import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` next to `base` (an `import.meta.url`): the
 * `.ts` file when running from source under tsx (the worker registers tsx before importing it,
 * since workers do not inherit loader hooks), the compiled `.js` file when running from dist/.
 */
export function startModuleWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = base.endsWith('.ts');
  const url = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, base);
  if (!fromSource) return new Worker(url, options);
  // Resolved here: the worker's eval code would resolve 'tsx' from the working directory, not from Warden.
  const tsx = import.meta.resolve('tsx/esm/api');
  const loader = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(loader, { ...options, eval: true });
}
