import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastDecrypt } from '../../../src/backends/pgp/fast-decrypt.js';
import { PgpBackend } from '../../../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../../../src/unlock/store-key-source.js';

/** No test may ask on the terminal the test runner may have. */
const noPrompt = storeKeySource(process.env, { mayPrompt: false });

let dir: string;
let store: PgpBackend;
let key: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-fast-'));
  store = new PgpBackend(join(dir, 'pgp'), noPrompt);
  await store.initialize();
  key = readFileSync(store.layout.privateKeyFile, 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fastDecrypt', () => {
  it('reads what the store writes, byte for byte, for any secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 3000 }), fc.string({ maxLength: 40 }), async (secret, username) => {
        const armored = await store.encrypt(JSON.stringify({ ServerURL: 'h', Username: username || 'u', Secret: secret }), 'tsstore {}');
        expect(fastDecrypt(armored, key)).toBe(JSON.stringify({ ServerURL: 'h', Username: username || 'u', Secret: secret }));
      }),
      { numRuns: 60 },
    );
  });

  it('reads large messages (partial body lengths) and messages with several recipients', async () => {
    const big = 'x'.repeat(300_000);
    expect(fastDecrypt(await store.encrypt(big, 'c'), key)).toBe(big);
    const other = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'other' }], format: 'object' });
    const storeKey = (await openpgp.readPrivateKey({ armoredKey: key })).toPublic();
    const message = await openpgp.createMessage({ binary: Buffer.from('two recipients') });
    // openpgp's results are untyped here (its declarations name a package that is not installed): strings.
    const armored = (await openpgp.encrypt({ message, encryptionKeys: [other.publicKey, storeKey], format: 'armored' })) as string;
    expect(fastDecrypt(armored, key)).toBe('two recipients');
    // Not for us: gives up (openpgp.js then reports it properly).
    const notOurs = (await openpgp.encrypt({ message, encryptionKeys: other.publicKey, format: 'armored' })) as string;
    expect(fastDecrypt(notOurs, key)).toBeUndefined();
  });

  it('gives up, never answers wrongly, on a damaged message', async () => {
    const armored = await store.encrypt('{"a":1}', 'c');
    const lines = armored.split('\n');
    const bodyLine = lines.findIndex((line, index) => index > 2 && line.length > 40);
    const damaged = [...lines];
    const line = damaged[bodyLine] as string;
    damaged[bodyLine] = `${line.slice(0, 20)}${line[20] === 'A' ? 'B' : 'A'}${line.slice(21)}`;
    expect(fastDecrypt(damaged.join('\n'), key)).toBeUndefined();
  });

  it('gives up on a passphrase-protected key and on compressed messages', async () => {
    const unlocked = await openpgp.readPrivateKey({ armoredKey: key });
    const locked = await openpgp.encryptKey({ privateKey: unlocked, passphrase: 'pw' });
    const armored = await store.encrypt('x', 'c');
    expect(fastDecrypt(armored, locked.armor())).toBeUndefined();
    const message = await openpgp.createMessage({ binary: Buffer.from('compressed') });
    const compressed = (await openpgp.encrypt({
      message,
      encryptionKeys: unlocked.toPublic(),
      format: 'armored',
      config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
    })) as string;
    expect(fastDecrypt(compressed, key)).toBeUndefined();
    expect(fastDecrypt('not armored', key)).toBeUndefined();
  });
});
