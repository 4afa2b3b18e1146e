import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureDevCa, issueDevCertificate } from '../devca/dev-ca.js';
import { EXIT, runCommand } from './output.js';

export const DEV_CERT_USAGE = 'warden dev-cert SPIFFE_ID [--out NAME]   (writes NAME.pem and NAME-key.pem from the .warden/ CA)';

/** `warden dev-cert`: a client certificate from the development CA, for trying Warden locally. */
export function devCertCommand(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
    if (positionals.length !== 1) {
      process.stderr.write(`usage: ${DEV_CERT_USAGE}\n`);
      return EXIT.invalid;
    }
    const ca = ensureDevCa();
    const spiffeId = positionals[0]!;
    const { cert, key } = issueDevCertificate(ca.dir, spiffeId);
    const name = values.out ?? spiffeId.split('/').pop()!;
    writeFileSync(`${name}.pem`, cert);
    writeFileSync(`${name}-key.pem`, key, { mode: 0o600 });
    process.stdout.write(`wrote ${name}.pem and ${name}-key.pem for ${spiffeId} (CA: ${ca.ca})\n`);
    return EXIT.ok;
  });
}
