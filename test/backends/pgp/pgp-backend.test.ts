import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCodeOf } from '../../support/error-code.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgpBackend } from '../../../src/backends/pgp/pgp-backend.js';
import { storeKeySource } from '../../../src/unlock/store-key-source.js';

/** No test may ask on the terminal the test runner may have. */
const noPrompt = storeKeySource(process.env, { mayPrompt: false });

let dir: string;
let store: PgpBackend;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-pgp-'));
  store = new PgpBackend(join(dir, 'pgp'), noPrompt);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));


const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('PgpBackend', () => {
  it('answers not-found and an empty list before anything is set up, and writes nothing', async () => {
    expect(await errorCodeOf(store.get('h'))).toBe('not-found');
    expect(await errorCodeOf(store.delete('h'))).toBe('not-found');
    expect(await store.list()).toEqual(new Map());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('makes one private key and private folders', async () => {
    const fingerprint = await store.initialize();
    expect(fingerprint).toMatch(/^[0-9a-f]{40}$/);
    expect(await store.initialize()).toBeUndefined();
    expect(mode(store.layout.privateKeyFile)).toBe('600');
    for (const folder of [store.layout.root, store.layout.credentialsDir, store.layout.recipientsDir, store.layout.temporaryDir]) {
      expect(mode(folder)).toBe('700');
    }
  });

  it('keeps exactly one key when several first uses race', async () => {
    const racers = Array.from({ length: 4 }, () => new PgpBackend(store.layout.root, noPrompt));
    const created = await Promise.all(racers.map((racer) => racer.initialize()));
    expect(created.filter(Boolean)).toHaveLength(1);
    const key = readFileSync(store.layout.privateKeyFile, 'utf8');
    await racers[0]?.add('h', { username: 'u', secret: 's' });
    expect(readFileSync(store.layout.privateKeyFile, 'utf8')).toBe(key);
    expect(await racers[3]?.get('h')).toEqual({ username: 'u', secret: 's' });
    expect(readdirSync(store.layout.root).filter((name) => name.includes('tmp.'))).toEqual([]);
  });

  it('stores, replaces, lists and erases', async () => {
    await store.initialize();
    await store.add('reg:5000', { username: 'alice', secret: 'one' });
    await store.add('https://index.docker.io/v1/', { username: '<token>', secret: 'identity-9f2c' });
    await store.add('reg:5000', { username: 'bob', secret: 'two' });
    expect(await store.get('reg:5000')).toEqual({ username: 'bob', secret: 'two' });
    expect(await store.list()).toEqual(new Map([['reg:5000', 'bob'], ['https://index.docker.io/v1/', '<token>']]));
    await store.delete('reg:5000');
    expect(await errorCodeOf(store.get('reg:5000'))).toBe('not-found');
    expect([...(await store.list()).keys()]).toEqual(['https://index.docker.io/v1/']);
    const file = store.credentialPath('https://index.docker.io/v1/');
    expect(mode(file)).toBe('600');
    expect(readFileSync(file, 'utf8')).not.toContain('identity-9f2c');
  });

  it('keeps secrets of any size and content, beyond what the reference can store', async () => {
    await store.initialize();
    const secret = `\u0000\ud800${'x'.repeat(700 * 1024)}\n"`;
    await store.add('big', { username: 'u', secret });
    expect((await store.get('big')).secret).toBe(secret);
  });

  it('lists without reading secrets: it works with the private key gone', async () => {
    await store.initialize();
    await store.add('h', { username: 'u', secret: 's' });
    rmSync(store.layout.privateKeyFile);
    expect(await store.list()).toEqual(new Map([['h', 'u']]));
    expect(await errorCodeOf(store.get('h'))).toBe('config');
  });

  it('skips foreign and temporary files in list, and removes temporary files of dead processes', async () => {
    await store.initialize();
    await store.add('h', { username: 'u', secret: 's' });
    writeFileSync(join(store.layout.credentialsDir, 'notes.asc'), 'not a credential');
    writeFileSync(join(store.layout.credentialsDir, '.h.asc.1.aa.tmp'), 'half');
    // A writer that died in our pid namespace (pid 999999999 cannot be alive), named as temporaryName names.
    const namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    const leftover = join(store.layout.temporaryDir, `.x.asc.999999999.${namespace}.abcdef.tmp`);
    writeFileSync(leftover, 'half-written');
    expect(await store.list()).toEqual(new Map([['h', 'u']]));
    await store.add('other', { username: 'v', secret: 't' });
    expect(readdirSync(store.layout.temporaryDir)).toEqual([]);
  });

  it('refuses a file that was moved to another server name', async () => {
    await store.initialize();
    await store.add('a', { username: 'u', secret: 's' });
    renameSync(store.credentialPath('a'), store.credentialPath('b'));
    expect(await errorCodeOf(store.get('b'))).toBe('store-corrupt');
    expect(await store.list()).toEqual(new Map());
  });

  it('refuses a private key that others can read, as ssh does', async () => {
    await store.initialize();
    await store.add('h', { username: 'u', secret: 's' });
    chmodSync(store.layout.privateKeyFile, 0o644);
    expect(await errorCodeOf(store.get('h'))).toBe('unsafe-permissions');
  });

  it('reports a damaged credential file instead of not-found', async () => {
    await store.initialize();
    await store.add('h', { username: 'u', secret: 's' });
    writeFileSync(store.credentialPath('h'), 'garbage');
    expect(await errorCodeOf(store.get('h'))).toBe('store-corrupt');
  });

  it('finds without throwing: undefined for a miss, the login for a hit, and still an error for anything else', async () => {
    expect(await store.find('h')).toBeUndefined();
    await store.initialize();
    await store.add('h', { username: 'u', secret: 's' });
    expect(await store.find('h')).toEqual({ username: 'u', secret: 's' });
    expect(await store.find('other')).toBeUndefined();
    // A folder where the credential file should be: not a miss, the same io error get gave before.
    rmSync(store.credentialPath('h'));
    mkdirSync(store.credentialPath('h'));
    expect(await errorCodeOf(store.find('h'))).toBe('io');
    expect(await errorCodeOf(store.get('h'))).toBe('io');
    // The credentials folder replaced by a file (ENOTDIR): an io error, never not-found.
    rmSync(store.layout.credentialsDir, { recursive: true });
    writeFileSync(store.layout.credentialsDir, '');
    expect(await errorCodeOf(store.find('h'))).toBe('io');
    expect(await errorCodeOf(store.get('h'))).toBe('io');
  });

  it('names a broken recipient file instead of failing vaguely, and stores nothing', async () => {
    await store.initialize();
    const broken = join(store.layout.recipientsDir, 'BROKEN.asc');
    writeFileSync(broken, 'not a key');
    await expect(store.add('h', { username: 'u', secret: 's' })).rejects.toThrow(`recipient key ${broken} is not an OpenPGP public key; remove it`);
    expect(await store.list()).toEqual(new Map());
  });
});
