import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HostBuiltin } from '../host-builtin.js';
import { stringArg } from '../operands.js';

function digest(name: string, algorithm: string): HostBuiltin {
  return (x) => createHash(algorithm).update(Buffer.from(stringArg(name, x, 1), 'utf8')).digest('hex');
}

function hmac(name: string, algorithm: string): HostBuiltin {
  return (message, key) => {
    const m = stringArg(name, message, 1);
    const k = stringArg(name, key, 2);
    return createHmac(algorithm, Buffer.from(k, 'utf8')).update(Buffer.from(m, 'utf8')).digest('hex');
  };
}

/** crypto.hmac.equal: constant-time comparison of the two strings' bytes. */
export const hmacEqual: HostBuiltin = (mac1, mac2) => {
  const a = Buffer.from(stringArg('crypto.hmac.equal', mac1, 1), 'utf8');
  const b = Buffer.from(stringArg('crypto.hmac.equal', mac2, 2), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

export const hashBuiltins: Record<string, HostBuiltin> = {
  'crypto.md5': digest('crypto.md5', 'md5'),
  'crypto.sha1': digest('crypto.sha1', 'sha1'),
  'crypto.sha256': digest('crypto.sha256', 'sha256'),
  'crypto.hmac.md5': hmac('crypto.hmac.md5', 'md5'),
  'crypto.hmac.sha1': hmac('crypto.hmac.sha1', 'sha1'),
  'crypto.hmac.sha256': hmac('crypto.hmac.sha256', 'sha256'),
  'crypto.hmac.sha512': hmac('crypto.hmac.sha512', 'sha512'),
  'crypto.hmac.equal': hmacEqual,
};
