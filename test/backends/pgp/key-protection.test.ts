/**
 * The store key's passphrase: how it is protected (what GnuPG 2.2 can import), unlocking, changing and
 * removing it, and what the backend does with a locked key when nobody may be asked.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEY_PROTECTION,
  WrongPassphraseError,
  armorStoreKey,
  generateStoreKey,
  isLocked,
  readStorePrivateKey,
  unlockStoreKey,
} from '../../../src/backends/pgp/openpgp-crypto.js';
import { storeKeyState } from '../../../src/unlock/key-state.js';
import { PgpBackend } from '../../../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../../../src/unlock/store-key-source.js';
import { TsstoreError } from '../../../src/errors.js';
import { secretKeyProtections } from './secret-key-packets.js';

const PASSPHRASE = 'correct horse ✓ battery';

describe('store key protection', () => {
  it('protects a new key as GnuPG 2.2 reads it: S2K usage 254, AES-256, iterated+salted SHA-256, count byte 224', async () => {
    const key = await generateStoreKey('t', PASSPHRASE);
    const protections = secretKeyProtections(key.armoredPrivateKey);
    expect(protections.map((p) => p.tag)).toEqual([5, 7]); // primary key and encryption subkey
    for (const protection of protections) {
      expect(protection).toEqual({ tag: protection.tag, s2kUsage: 254, cipher: 9, s2kType: 3, hash: 8, countByte: 224 });
    }
    expect(KEY_PROTECTION).toMatchObject({ aeadProtect: false, s2kIterationCountByte: 224 });
  });

  it('leaves a key without passphrase unprotected', async () => {
    const key = await generateStoreKey('t');
    expect(secretKeyProtections(key.armoredPrivateKey).map((p) => p.s2kUsage)).toEqual([0, 0]);
    expect(isLocked(await readStorePrivateKey(key.armoredPrivateKey, 'k'))).toBe(false);
  });

  it('unlocks with the right passphrase only', async () => {
    const { armoredPrivateKey, fingerprint } = await generateStoreKey('t', PASSPHRASE);
    const locked = await readStorePrivateKey(armoredPrivateKey, 'k');
    expect(isLocked(locked)).toBe(true);
    await expect(unlockStoreKey(locked, 'wrong')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(unlockStoreKey(locked, 'wrong')).rejects.toThrow('wrong passphrase for the store key');
    const unlocked = await unlockStoreKey(locked, PASSPHRASE);
    expect(isLocked(unlocked)).toBe(false);
    expect(unlocked.getFingerprint()).toBe(fingerprint);
    expect(isLocked(locked)).toBe(true); // the locked object is not changed
  });

  it('adds, changes and removes the passphrase of the same key', async () => {
    const { armoredPrivateKey, fingerprint } = await generateStoreKey('t');
    const plain = await readStorePrivateKey(armoredPrivateKey, 'k');
    const added = await armorStoreKey(plain, 'first');
    expect(secretKeyProtections(added).map((p) => p.s2kUsage)).toEqual([254, 254]);
    const first = await unlockStoreKey(await readStorePrivateKey(added, 'k'), 'first');
    const changed = await armorStoreKey(first, 'second');
    await expect(unlockStoreKey(await readStorePrivateKey(changed, 'k'), 'first')).rejects.toBeInstanceOf(WrongPassphraseError);
    const second = await unlockStoreKey(await readStorePrivateKey(changed, 'k'), 'second');
    const removed = await armorStoreKey(second, '');
    const back = await readStorePrivateKey(removed, 'k');
    expect(isLocked(back)).toBe(false);
    expect(back.getFingerprint()).toBe(fingerprint);
    await expect(armorStoreKey(await readStorePrivateKey(changed, 'k'), 'x')).rejects.toThrow(/must be unlocked/);
  });
});

describe('PgpBackend with a passphrase-protected key', () => {
  let dir: string;
  let env: Record<string, string>;
  let store: PgpBackend;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsstore-pgp-locked-'));
    env = { HOME: dir };
    // The test runner may have a terminal: never ask on it.
    store = new PgpBackend(join(dir, 'pgp'), storeKeySource(env, { mayPrompt: false }));
    await store.initialize('t', PASSPHRASE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function failure(promise: Promise<unknown>): Promise<TsstoreError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof TsstoreError) return error;
      throw error;
    }
    throw new Error('expected a TsstoreError');
  }

  it('stores without the passphrase (encrypting needs only the public part), and lists', async () => {
    await store.add('reg:5000', { username: 'alice', secret: 's3cret' });
    expect(await store.list()).toEqual(new Map([['reg:5000', 'alice']]));
    expect(readFileSync(store.credentialPath('reg:5000'), 'utf8')).not.toContain('s3cret');
  });

  it('fails get with a locked error naming the unlock command, never not-found', async () => {
    await store.add('reg:5000', { username: 'alice', secret: 's3cret' });
    const error = await failure(store.get('reg:5000'));
    expect(error.code).toBe('locked');
    expect(error.message).toBe('the store key is locked: run docker-credential-tsstore unlock');
    expect((await failure(store.get('unknown'))).code).toBe('not-found'); // a miss needs no key
    expect(await storeKeyState(store.layout, env)).toEqual({ kind: 'locked' });
  });

  it('reads TSSTORE_PASSPHRASE_FILE on unattended machines, and refuses it when others can read it', async () => {
    await store.add('reg:5000', { username: 'alice', secret: 's3cret' });
    const file = join(dir, 'passphrase');
    writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    env.TSSTORE_PASSPHRASE_FILE = file;
    expect(await store.get('reg:5000')).toEqual({ username: 'alice', secret: 's3cret' });
    expect(await storeKeyState(store.layout, env)).toEqual({ kind: 'passphrase-file' });

    chmodSync(file, 0o644);
    const refused = await failure(store.get('reg:5000'));
    expect(refused.code).toBe('unsafe-permissions');
    expect(refused.message).toContain('chmod 600');

    chmodSync(file, 0o600);
    writeFileSync(file, 'not it\n');
    const wrong = await failure(store.get('reg:5000'));
    expect(wrong.code).toBe('locked');
    expect(wrong.message).toBe(`TSSTORE_PASSPHRASE_FILE ${file} does not hold the passphrase of the store key`);
    expect(wrong.message).not.toContain('not it');
  });

  it('reports the key state: missing, unprotected', async () => {
    const empty = new PgpBackend(join(dir, 'other'), storeKeySource(env, { mayPrompt: false }));
    expect(await storeKeyState(empty.layout, env)).toEqual({ kind: 'missing' });
    await empty.initialize();
    expect(await storeKeyState(empty.layout, env)).toEqual({ kind: 'unprotected' });
  });
});
