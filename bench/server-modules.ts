// Warden's server and compiler for a bench's server process: from dist/ when it is built (as the
// `warden` binary runs: tsx wraps every closure the serving path creates in a naming helper, which
// costs per call), else from src/.
import { existsSync } from 'node:fs';

type ServerModule = typeof import('../src/server/index.js');
type RegoModule = typeof import('../src/rego/index.js');

const dist = new URL('../dist/', import.meta.url);
export const fromDist = existsSync(new URL('server/index.js', dist));
const base = fromDist ? dist.href : new URL('../src/', import.meta.url).href;
export const { startServer } = (await import(`${base}server/index.js`)) as ServerModule;
export const { compile } = (await import(`${base}rego/index.js`)) as RegoModule;
