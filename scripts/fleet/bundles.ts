/** Bundles as a platform team publishes them: built and signed by `warden build`, copied into the bundle server's folder whole. */
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { runWarden } from './warden-command.js';

/** Builds `policies/` of `dir` into `out`, signed with `signingKey`, with revision `revision`. */
export async function buildSignedBundle(dir: string, out: string, revision: string, signingKey: string): Promise<void> {
  await runWarden(['build', 'policies', '-o', out, '--revision', revision, '--signing-key', signingKey], dir);
}

/** Puts `bundle` at `target` so that a server never hands out half of it (a rename, not a write in place). */
export function publish(bundle: string, target: string): void {
  const partial = `${target}.partial`;
  copyFileSync(bundle, partial);
  renameSync(partial, target);
}

/**
 * Writes a copy of `bundle` in which `file` (a path inside it) is `replace`d, and nothing else is
 * touched, its signature included: what an attacker who can write to the bundle server could do.
 */
export async function tamperedCopy(bundle: string, out: string, file: string, replace: (text: string) => string): Promise<void> {
  const reader = extract();
  const writer = pack();
  const chunks: Buffer[] = [];
  writer.on('data', (c: unknown) => chunks.push(c as Buffer));
  const written = new Promise<void>((resolve, reject) => {
    writer.on('end', resolve);
    writer.on('error', reject);
  });
  let found = false;
  reader.on('entry', (header, stream, next) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: unknown) => parts.push(c as Buffer));
    stream.on('end', () => {
      let body = Buffer.concat(parts);
      if (header.name.replace(/^\/+/, '') === file) {
        found = true;
        body = Buffer.from(replace(body.toString()));
      }
      writer.entry({ ...header, size: body.length }, body, next);
    });
  });
  const read = new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  reader.end(gunzipSync(readFileSync(bundle)));
  await read;
  writer.finalize();
  await written;
  if (!found) throw new Error(`${file} is not in ${bundle}`);
  writeFileSync(out, gzipSync(Buffer.concat(chunks)));
}
