/**
 * The direct read against a real gnome-keyring (test/support/secret-service.ts): items written by the
 * keyring library itself come back byte for byte over tsstore's own encrypted session, items tsstore
 * writes itself come back byte for byte through the library, and the library is never loaded for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyringBackend } from '../../../../src/backends/keyring/keyring-backend.js';
import type { KeyringLibrary } from '../../../../src/backends/keyring/native.js';
import { SecretReader } from '../../../../src/backends/keyring/secret-service/reader.js';
import { SecretServiceClient } from '../../../../src/backends/keyring/secret-service/client.js';
import { DirectStore } from '../../../../src/backends/keyring/secret-service/store.js';
import { errorCodeOf } from '../../../support/error-code.js';
import { haveAll } from '../../../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../../../support/secret-service.js';

const login = (serverURL: string, username: string, secret: string) => JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });
const keyringOnly = { TSSTORE_BACKEND: 'keyring' };
const attributes = (serverURL: string) => ({ service: 'tsstore', username: serverURL });

const SECRETS: Array<[string, string, string]> = [
  ['plain.example', 'alice', 'p4ss'],
  ['unicode.example:5000', 'ünï 用户', 'pä$$ "q" \\ e\u0301 🔑 <&> \t\n'],
  ['https://long.example/v1/', '<token>', `eyJ${'ẞ🔑xyz0123456789'.repeat(2_000)}`],
  ['sixteen.example', 'u', '0123456789abcdef'],
];

// @napi-rs/keyring itself, in a process of its own inside the session (libdbus takes the bus from its env).
const LIBRARY_SCRIPT = `const k = require('@napi-rs/keyring');
const opts = { linux: { store: 'secret-service' } };
const [op, account, value] = process.argv.slice(1);
if (op === 'get') process.stdout.write(JSON.stringify(new k.Entry('tsstore', account, opts).getPassword()));
else if (op === 'set') new k.Entry('tsstore', account, opts).setPassword(value);
else process.stdout.write(JSON.stringify(k.findCredentials('tsstore')));`;

async function runLibrary(session: SecretServiceSession, args: string[]): Promise<unknown> {
  const result = await session.exec(process.execPath, ['-e', LIBRARY_SCRIPT, ...args]);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout || 'null') as unknown;
}

/** A loader that must never run: the direct path answers without the native addon. */
function forbiddenLoader(calls: string[]): () => Promise<KeyringLibrary> {
  return async () => {
    calls.push('load');
    throw new Error('the keyring library was loaded');
  };
}

const haveKeyring = haveAll([...SECRET_SERVICE_PROGRAMS]);
let session: SecretServiceSession;
beforeAll(async () => {
  if (!haveKeyring) return;
  session = await startSecretService({ prefix: 'tsstore-reader-' });
  // Written by the library itself: the direct read must understand exactly what it writes.
  for (const [serverURL, username, secret] of SECRETS) {
    await runLibrary(session, ['set', serverURL, JSON.stringify({ tsstore: 1, Username: username, Secret: secret })]);
  }
});
afterAll(async () => {
  await session?.stop();
});

describe.skipIf(!haveKeyring)('SecretReader and DirectStore against gnome-keyring', { retry: 2 }, () => {
  it('reads what the library wrote, byte for byte (non-ASCII, long)', async () => {
    const client = new SecretServiceClient(session.env);
    try {
      const reader = new SecretReader(client);
      for (const [serverURL] of SECRETS) {
        // secret-tool, over D-Bus and independent of tsstore, says what the item holds.
        const [item] = await session.searchItems(attributes(serverURL));
        const answer = await reader.read(attributes(serverURL));
        expect(answer.kind, serverURL).toBe('found');
        if (answer.kind !== 'found') continue;
        expect(Buffer.from(answer.text, 'utf8').equals(Buffer.from(item?.secret ?? '', 'utf8')), serverURL).toBe(true);
      }
      expect(await reader.read(attributes('never-stored.example'))).toEqual({ kind: 'absent' });
    } finally {
      client.close();
    }
  });

  it('KeyringBackend.get and list answer from the direct path without ever calling the library loader', async () => {
    const calls: string[] = [];
    const client = new SecretServiceClient(session.env);
    try {
      const backend = new KeyringBackend(forbiddenLoader(calls), new DirectStore(client));
      for (const [serverURL, username, secret] of SECRETS) {
        expect(await backend.get(serverURL)).toEqual({ username, secret });
      }
      expect(await errorCodeOf(backend.get('never-stored.example'))).toBe('not-found');
      // list too, and it is exactly what secret-tool sees.
      const listed = await backend.list();
      expect(listed).toEqual(new Map(SECRETS.map(([serverURL, username]) => [serverURL, username])));
      expect((await session.searchItems({ service: 'tsstore' })).length).toBe(SECRETS.length);
      expect(calls).toEqual([]);
    } finally {
      client.close();
    }
  });
});

describe.skipIf(!haveKeyring)('DirectStore writing to gnome-keyring', { retry: 2 }, () => {
  it('store and erase over the direct path: the library reads our items byte for byte, and ours replace and erase its items', async () => {
    const calls: string[] = [];
    const client = new SecretServiceClient(session.env);
    try {
      const backend = new KeyringBackend(forbiddenLoader(calls), new DirectStore(client));
      const written: Array<[string, string, string]> = [
        ['ours.example', 'ünï', 'pä$$ "q" \\ 🔑'],
        ['ours-long.example', '<token>', `eyJ${'ẞ🔑xyz0123456789'.repeat(2_000)}`],
      ];
      for (const [serverURL, username, secret] of written) await backend.add(serverURL, { username, secret });
      // The library itself (native, in its own process) reads them back, exactly.
      const library = (...args: string[]) => runLibrary(session, args);
      for (const [serverURL, username, secret] of written) {
        expect(await library('get', serverURL), serverURL).toBe(JSON.stringify({ tsstore: 1, Username: username, Secret: secret }));
        const [item] = await session.searchItems(attributes(serverURL));
        expect(item?.label).toBe(`keyring:${serverURL}@tsstore`);
      }
      const listed = (await library('list')) as Array<{ account: string; password: string }>;
      expect(listed.filter((entry) => entry.account.startsWith('ours')).length).toBe(written.length);
      // An item the library wrote: our store replaces it (one item afterwards), our erase removes it.
      await library('set', 'lib-written.example', JSON.stringify({ tsstore: 1, Username: 'old', Secret: 'old' }));
      await backend.add('lib-written.example', { username: 'new', secret: 'nëw 🔑' });
      const items = await session.searchItems(attributes('lib-written.example'));
      expect(items).toHaveLength(1);
      expect(JSON.parse(items[0]?.secret ?? '')).toEqual({ tsstore: 1, Username: 'new', Secret: 'nëw 🔑' });
      expect(await library('get', 'lib-written.example')).toBe(JSON.stringify({ tsstore: 1, Username: 'new', Secret: 'nëw 🔑' }));
      await library('set', 'lib-erase.example', 'x');
      await backend.delete('lib-erase.example');
      await backend.delete('ours.example');
      expect(await session.searchItems(attributes('lib-erase.example'))).toEqual([]);
      expect(await session.searchItems(attributes('ours.example'))).toEqual([]);
      expect(await errorCodeOf(backend.delete('ours.example'))).toBe('not-found');
      expect(calls).toEqual([]);
    } finally {
      client.close();
    }
  });
});

describe.skipIf(!haveKeyring)('DirectStore against a locked gnome-keyring', { retry: 2 }, () => {
  it('a locked collection: the direct path declines and explains "locked", as before', async () => {
    const locked = await startSecretService({ prefix: 'tsstore-reader-locked-' });
    try {
      expect(await locked.run(['store'], login('locked.example', 'u', 's'), keyringOnly)).toMatchObject({ exitCode: 0 });
      await locked.lock();
      const client = new SecretServiceClient(locked.env);
      try {
        expect(await new SecretReader(client).read(attributes('locked.example'))).toEqual({ kind: 'declined' });
        // The library (here a stand-in that answers null, as the real one does for a locked item), then the explanation.
        const library: KeyringLibrary = {
          Entry: class {
            setPassword(): void {}
            getPassword(): string | null {
              return null;
            }
            deleteCredential(): boolean {
              return false;
            }
          },
          findCredentials: () => [],
        };
        const backend = new KeyringBackend(async () => library, new DirectStore(client));
        for (const serverURL of ['locked.example', 'never-stored.example']) {
          await expect(backend.get(serverURL), serverURL).rejects.toMatchObject({
            code: 'locked',
            message: expect.stringContaining('the keyring is locked (Secret Service collection "Login")'),
          });
        }
        // Store and erase decline too (the library, then the explanation): the same 'locked' error as before.
        const lockedError = { code: 'locked', message: expect.stringContaining('the keyring is locked (Secret Service collection "Login")') };
        const failing: KeyringLibrary = {
          ...library,
          Entry: class {
            setPassword(): void {
              throw new Error('Couldn\'t access platform storage: locked');
            }
            getPassword(): string | null {
              return null;
            }
            deleteCredential(): boolean {
              throw new Error('Couldn\'t access platform storage: locked');
            }
          },
        };
        const writing = new KeyringBackend(async () => failing, new DirectStore(client));
        await expect(writing.add('locked.example', { username: 'u', secret: 's' })).rejects.toMatchObject(lockedError);
        await expect(writing.add('new.example', { username: 'u', secret: 's' })).rejects.toMatchObject(lockedError);
        await expect(writing.delete('locked.example')).rejects.toMatchObject(lockedError);
        expect(await locked.isLocked()).toBe(true);
      } finally {
        client.close();
      }
    } finally {
      await locked.stop();
    }
  });
});
