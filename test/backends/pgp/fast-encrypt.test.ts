import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastDecrypt } from '../../../src/backends/pgp/fast-decrypt.js';
import { fastEncrypt } from '../../../src/backends/pgp/fast-encrypt.js';
import { formatLabel, parseLabel } from '../../../src/backends/pgp/layout.js';
import { generateStoreKey } from '../../../src/backends/pgp/openpgp-crypto.js';
import { type Packet, dearmor, packets } from '../../../src/backends/pgp/openpgp-packets.js';
import { PgpBackend } from '../../../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../../../src/unlock/store-key-source.js';
import { haveAll } from '../../support/real-components.js';
import { type GpgHome, createGpgHome } from '../../support/reference-pass.js';

/** No test may ask on the terminal the test runner may have. */
const noPrompt = storeKeySource(process.env, { mayPrompt: false });

let dir: string;
let key: string;
let privateKey: openpgp.PrivateKey;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-fast-encrypt-'));
  key = (await generateStoreKey('tsstore')).armoredPrivateKey;
  privateKey = await openpgp.readPrivateKey({ armoredKey: key });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function encrypted(plaintext: string, armoredKey = key, label = 'tsstore {}'): string {
  const armored = fastEncrypt(plaintext, armoredKey, label);
  if (armored === undefined) throw new Error('fastEncrypt gave up on a store key');
  return armored;
}

async function openpgpDecrypt(armoredMessage: string, decryptionKeys: openpgp.PrivateKey): Promise<string> {
  const message = await openpgp.readMessage({ armoredMessage });
  const { data } = await openpgp.decrypt({ message, decryptionKeys, format: 'binary' });
  return Buffer.from(data).toString('utf8');
}

/** Well-formed strings only: the backend encrypts JSON.stringify output, which never holds a lone surrogate. */
const plaintexts = fc.oneof(
  fc.constantFrom('', ' ', '\n', '\u0000', 'é', '✓ pä55 wörd', '\u{1f600}'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 6000 }),
  fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }), fc.integer({ min: 0, max: 40 })).map(([fragment, extra]) =>
    fragment.repeat(Math.ceil(70_000 / fragment.length) + extra),
  ),
).map((text) => text.toWellFormed());

describe('fastEncrypt', () => {
  it('writes what openpgp.js and fastDecrypt read back exactly, with the label in the armor', async () => {
    await fc.assert(
      fc.asyncProperty(plaintexts, fc.string({ maxLength: 60 }), fc.string({ maxLength: 40 }), async (plaintext, serverURL, username) => {
        const label = formatLabel({ serverURL, username });
        const armored = encrypted(plaintext, key, label);
        expect(await openpgpDecrypt(armored, privateKey)).toBe(plaintext);
        expect(fastDecrypt(armored, key)).toBe(plaintext);
        expect(parseLabel(armored)).toEqual({ serverURL, username });
        // The armor is byte for byte what openpgp.js writes around the same packets (lines, CRC24 line).
        const binary = new Uint8Array(dearmor(armored, 'MESSAGE'));
        const config = { ...openpgp.config, showComment: true, commentString: label };
        expect(armored).toBe(openpgp.armor(openpgp.enums.armor.message, binary, undefined, undefined, undefined, true, config));
      }),
      { numRuns: 40 },
    );
  });

  it('needs no passphrase for a protected store key; openpgp.js decrypts once the key is unlocked', async () => {
    const locked = (await generateStoreKey('tsstore', 'correct horse')).armoredPrivateKey;
    const armored = encrypted('{"Secret":"s"}', locked, 'tsstore {"ServerURL":"h","Username":"u"}');
    expect(fastDecrypt(armored, locked)).toBeUndefined(); // decrypting does need the passphrase
    const unlocked = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: locked }), passphrase: 'correct horse' });
    expect(await openpgpDecrypt(armored, unlocked)).toBe('{"Secret":"s"}');
  });

  it('writes a v3 PKESK to the ECDH subkey, then a SEIPDv1 packet with AES-256 and a binary literal, nothing else', async () => {
    const armored = encrypted('structure');
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----\nComment: tsstore \{\}\n\n/);
    const [pkesk, seipd, ...more] = packets(dearmor(armored, 'MESSAGE'));
    expect(more).toEqual([]);
    expect(pkesk?.tag).toBe(1);
    expect(pkesk?.body[0]).toBe(3);
    expect(pkesk?.body.subarray(1, 9).toString('hex')).toBe(privateKey.subkeys[0]?.getKeyID().toHex());
    expect(pkesk?.body[9]).toBe(18);
    expect(pkesk?.body.readUInt16BE(10)).toBe(263); // 0x40 and the 32-byte ephemeral point
    expect(seipd?.tag).toBe(18);
    expect(seipd?.body[0]).toBe(1);

    const message = await openpgp.readMessage({ armoredMessage: armored });
    const [sessionKey] = await openpgp.decryptSessionKeys({ message, decryptionKeys: privateKey });
    expect(sessionKey?.algorithm).toBe('aes256');
    // Inside: the 18-byte prefix, one binary literal packet with no file name and the current time, the MDC.
    const decipher = createDecipheriv('aes-256-cfb', sessionKey?.data ?? Buffer.alloc(32), Buffer.alloc(16));
    const plain = Buffer.concat([decipher.update((seipd as Packet).body.subarray(1)), decipher.final()]);
    const inner = packets(plain.subarray(18));
    expect(inner.map((packet) => packet.tag)).toEqual([11, 19]);
    const literal = inner[0]?.body ?? Buffer.alloc(0);
    expect([literal[0], literal[1]]).toEqual([0x62, 0]);
    expect(Math.abs(literal.readUInt32BE(2) - Date.now() / 1000)).toBeLessThan(60);
    expect(literal.subarray(6).toString()).toBe('structure');
  });

  it('uses a fresh session key and ephemeral key each time', async () => {
    const [first, second] = [encrypted('same'), encrypted('same')];
    expect(first).not.toBe(second);
    const bodies = [first, second].map((armored) => packets(dearmor(armored, 'MESSAGE')));
    expect(bodies[0]?.[0]?.body.subarray(12, 45)).not.toEqual(bodies[1]?.[0]?.body.subarray(12, 45));
    const sessionKeys = await Promise.all(
      [first, second].map(async (armored) => {
        const [found] = await openpgp.decryptSessionKeys({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: privateKey });
        return Buffer.from(found?.data ?? []).toString('hex');
      }),
    );
    expect(sessionKeys[0]).toHaveLength(64);
    expect(sessionKeys[0]).not.toBe(sessionKeys[1]);
  });

  describe('gives up (openpgp.js takes over) on keys it does not handle', () => {
    const generate = (options: { keyExpirationTime?: number; subkeys?: openpgp.SubkeyOptions[]; config?: openpgp.PartialConfig }) =>
      openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'x' }], ...options, format: 'object' });

    it('an RSA key', async () => {
      const { privateKey: rsa } = await openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: 'x' }], format: 'object' });
      expect(fastEncrypt('x', rsa.armor(), 'c')).toBeUndefined();
    });

    it('an expiring key or subkey', async () => {
      expect(fastEncrypt('x', (await generate({ keyExpirationTime: 3600 })).privateKey.armor(), 'c')).toBeUndefined();
      expect(fastEncrypt('x', (await generate({ subkeys: [{ keyExpirationTime: 3600 }] })).privateKey.armor(), 'c')).toBeUndefined();
    });

    it('a revoked key or subkey', async () => {
      const { privateKey: fresh } = await generate({});
      expect(fastEncrypt('x', fresh.armor(), 'c')).toBeDefined(); // control
      const { privateKey: revoked } = await openpgp.revokeKey({ key: fresh, format: 'object' });
      expect(fastEncrypt('x', revoked.armor(), 'c')).toBeUndefined();
      const { privateKey: withSubkey } = await generate({});
      const subkey = withSubkey.subkeys[0];
      if (!subkey) throw new Error('no subkey');
      withSubkey.subkeys[0] = await subkey.revoke(withSubkey.keyPacket as openpgp.SecretKeyPacket);
      expect(fastEncrypt('x', withSubkey.armor(), 'c')).toBeUndefined();
    });

    it('two encryption subkeys, RFC 9580 keys, a key that asks for AEAD, a label that is not one line, no key', async () => {
      expect(fastEncrypt('x', (await generate({ subkeys: [{}, {}] })).privateKey.armor(), 'c')).toBeUndefined();
      const x25519 = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'x' }], format: 'armored' });
      expect(fastEncrypt('x', x25519.privateKey, 'c')).toBeUndefined();
      const v6 = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'x' }], format: 'armored', config: { v6Keys: true } });
      expect(fastEncrypt('x', v6.privateKey, 'c')).toBeUndefined();
      const aead = await generate({ config: { aeadProtect: true } });
      expect(fastEncrypt('x', aead.privateKey.armor(), 'c')).toBeUndefined();
      expect(fastEncrypt('x', key, 'two\nlines')).toBeUndefined();
      expect(fastEncrypt('x', 'not a key', 'c')).toBeUndefined();
      expect(fastEncrypt('x', privateKey.toPublic().armor(), 'c')).toBeUndefined();
    });
  });
});

describe.skipIf(!haveAll(['gpg', 'gpgconf']))('GnuPG decrypts what fastEncrypt writes', () => {
  let gpgHome: GpgHome;
  beforeAll(async () => {
    gpgHome = await createGpgHome();
  });
  afterAll(async () => {
    await gpgHome?.cleanup();
  });

  it('gpg --decrypt with the imported store key prints the plaintext, without warnings', async () => {
    const keyFile = join(gpgHome.home, 'store-key.asc');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const imported = await gpgHome.gpg(['--import', keyFile]);
    expect(imported.exitCode, imported.stderr).toBe(0);
    for (const [name, plaintext] of [
      ['small', '{"ServerURL":"h","Username":"Jürgen","Secret":"pä55 ✓"}'],
      ['large', 'x'.repeat(70_000)],
    ] as const) {
      const file = join(gpgHome.home, `${name}.asc`);
      writeFileSync(file, encrypted(plaintext, key, formatLabel({ serverURL: 'h', username: 'Jürgen' })));
      const decrypted = await gpgHome.gpg(['--decrypt', file]);
      expect(decrypted.exitCode, decrypted.stderr).toBe(0);
      expect(decrypted.stdout).toBe(plaintext);
      expect(decrypted.stderr).not.toMatch(/WARNING|not integrity protected|unknown|CRC/i);
    }
  });
});

describe('PgpBackend.encrypt', () => {
  it('without extra recipients: one PKESK, and get reads it back', async () => {
    const store = new PgpBackend(join(dir, 'alone'), noPrompt);
    await store.initialize();
    await store.add('h', { username: 'u', secret: 's' });
    const armored = readFileSync(store.credentialPath('h'), 'utf8');
    expect(packets(dearmor(armored, 'MESSAGE')).map((packet) => packet.tag)).toEqual([1, 18]);
    expect(parseLabel(armored)).toEqual({ serverURL: 'h', username: 'u' });
    expect(await store.get('h')).toEqual({ username: 'u', secret: 's' });
  });

  it('stores with a passphrase-protected key without asking for the passphrase', async () => {
    const store = new PgpBackend(join(dir, 'locked'), storeKeySource({ HOME: dir }, { mayPrompt: false }));
    await store.initialize('tsstore', 'pw');
    await store.add('h', { username: 'u', secret: 's' });
    const unlocked = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: store.readPrivateKeyText() }), passphrase: 'pw' });
    expect(JSON.parse(await openpgpDecrypt(readFileSync(store.credentialPath('h'), 'utf8'), unlocked))).toEqual({ ServerURL: 'h', Username: 'u', Secret: 's' });
  });

  it('with an extra recipient goes through openpgp.js: both keys decrypt', async () => {
    const store = new PgpBackend(join(dir, 'shared'), noPrompt);
    await store.initialize();
    const teammate = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'teammate' }], format: 'object' });
    writeFileSync(join(store.layout.recipientsDir, `${teammate.publicKey.getFingerprint()}.asc`), teammate.publicKey.armor());
    await store.add('h', { username: 'u', secret: 's' });
    const armored = readFileSync(store.credentialPath('h'), 'utf8');
    expect(packets(dearmor(armored, 'MESSAGE')).map((packet) => packet.tag)).toEqual([1, 1, 18]);
    const storeKey = await openpgp.readPrivateKey({ armoredKey: store.readPrivateKeyText() });
    const payload = { ServerURL: 'h', Username: 'u', Secret: 's' };
    expect(JSON.parse(await openpgpDecrypt(armored, storeKey))).toEqual(payload);
    expect(JSON.parse(await openpgpDecrypt(armored, teammate.privateKey))).toEqual(payload);
    expect(await store.get('h')).toEqual({ username: 'u', secret: 's' });
  });
});
