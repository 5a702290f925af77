/**
 * The escape hatch with a passphrase: GnuPG 2.2 imports the protected store key (its S2K is one gpg
 * reads) and decrypts a credential with the same passphrase, given on stdin in loopback pinentry mode.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GpgHome, createGpgHome } from '../support/reference-pass.js';
import { haveAll } from '../support/real-components.js';
import { type ProtectedStore, newSecret, protectedStore, runDetached } from '../agent/protected-store.js';

const HOST = 'registry.example:5000';

describe.skipIf(!haveAll(['gpg', 'gpgconf']))('GnuPG 2.2 and the passphrase-protected store key', () => {
  let store: ProtectedStore | undefined;
  let gpgHome: GpgHome | undefined;
  afterEach(async () => {
    await gpgHome?.cleanup();
    gpgHome = undefined;
    await store?.cleanup();
    store = undefined;
  });

  it('shows iterated+salted S2K with SHA-256 and AES-256 (SHA-1 checksum), imports, and decrypts with the passphrase only', async () => {
    store = await protectedStore();
    const secret = newSecret('secret');
    const stored = await runDetached(['store'], { env: store.env, input: JSON.stringify({ ServerURL: HOST, Username: 'alice', Secret: secret }) });
    expect(stored).toMatchObject({ exitCode: 0 });
    const credentialsDir = join(store.storeDir, 'credentials');
    const [name] = readdirSync(credentialsDir);
    const file = join(credentialsDir, name as string);
    gpgHome = await createGpgHome();

    // What gpg itself reads in the key file: both secret packets protected the same way.
    const packets = await gpgHome.gpg(['--list-packets', store.keyFile]);
    const protections = packets.stdout.match(/^\s+iter\+salt S2K, algo: \d+, \S+ protection, hash: \d+.*$/gm) ?? [];
    expect(protections).toHaveLength(2);
    for (const line of protections) expect(line.trim()).toMatch(/^iter\+salt S2K, algo: 9, SHA1 protection, hash: 8, salt: [0-9A-F]{16}$/);
    expect(packets.stdout.match(/protect count: 16777216 \(224\)/g)).toHaveLength(2);

    // gpg 2.2 keeps the key's own protection on import; the passphrase is what opens it to decrypt.
    const loopback = ['--pinentry-mode', 'loopback', '--passphrase-fd', '0'];
    const imported = await gpgHome.gpg([...loopback, '--import', store.keyFile], `${store.passphrase}\n`);
    expect(imported.exitCode, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/secret keys imported: 1/);
    expect(await gpgHome.fingerprints({ secret: true })).toHaveLength(1);

    const refused = await gpgHome.gpg([...loopback, '--decrypt', file], 'not the passphrase\n');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/Bad passphrase/);

    const decrypted = await gpgHome.gpg([...loopback, '--decrypt', file], `${store.passphrase}\n`);
    expect(decrypted.exitCode, decrypted.stderr).toBe(0);
    expect(JSON.parse(decrypted.stdout)).toEqual({ ServerURL: HOST, Username: 'alice', Secret: secret });
    expect(decrypted.stderr).not.toMatch(/WARNING|not integrity protected|unknown/i);
    expect(readFileSync(store.keyFile, 'utf8')).not.toContain(store.passphrase);
  });
});
