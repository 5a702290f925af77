/** Exports a public key from the person's own GnuPG keyring, so their gpg can read the store too. */
import { TsstoreError } from '../errors.js';

export async function exportGpgPublicKey(keyID: string): Promise<Uint8Array> {
  if (!/^[0-9A-Za-z@._+<> -]{1,256}$/.test(keyID) || keyID.startsWith('-')) {
    throw new TsstoreError('bad-input', `"${keyID.slice(0, 60)}" does not look like a GnuPG key ID, fingerprint or e-mail`);
  }
  const { execa } = await import('execa');
  const result = await execa('gpg', ['--batch', '--export', '--', keyID], {
    encoding: 'buffer',
    reject: false,
    stdin: 'ignore',
  });
  if (result.failed && (result as { code?: string }).code === 'ENOENT') {
    throw new TsstoreError('backend-unavailable', 'gpg is not installed; export the key to a file and use --recipient FILE');
  }
  const key = result.stdout;
  if (result.exitCode !== 0 || key.length === 0) {
    throw new TsstoreError('bad-input', `gpg has no public key for "${keyID}" (gpg --list-keys shows the ones it has)`);
  }
  return key;
}
