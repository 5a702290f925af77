/**
 * The direct read against a real gnome-keyring (test/support/secret-service.ts): items written by the
 * keyring library (through the built single file's `store`) come back byte for byte over tsstore's own
 * encrypted session, and the library is never loaded for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyringBackend } from '../../../src/backends/keyring/keyring-backend.js';
import type { KeyringLibrary } from '../../../src/backends/keyring/native.js';
import { SecretServiceGuard } from '../../../src/backends/keyring/open-keyring.js';
import { SecretReader } from '../../../src/backends/keyring/secret-reader.js';
import { SecretServiceClient } from '../../../src/backends/keyring/secret-service.js';
import { errorCodeOf } from '../../support/error-code.js';
import { haveAll } from '../../support/real-components.js';
import { SECRET_SERVICE_PROGRAMS, type SecretServiceSession, startSecretService } from '../../support/secret-service.js';

const login = (serverURL: string, username: string, secret: string) => JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });
const keyringOnly = { TSSTORE_BACKEND: 'keyring' };
const attributes = (serverURL: string) => ({ service: 'tsstore', username: serverURL });

const SECRETS: Array<[string, string, string]> = [
  ['plain.example', 'alice', 'p4ss'],
  ['unicode.example:5000', 'ünï 用户', 'pä$$ "q" \\ e\u0301 🔑 <&> \t\n'],
  ['https://long.example/v1/', '<token>', `eyJ${'ẞ🔑xyz0123456789'.repeat(2_000)}`],
  ['sixteen.example', 'u', '0123456789abcdef'],
];

/** A loader that must never run: the direct path answers without the native addon. */
function forbiddenLoader(calls: string[]): () => Promise<KeyringLibrary> {
  return async () => {
    calls.push('load');
    throw new Error('the keyring library was loaded');
  };
}

describe.skipIf(!haveAll([...SECRET_SERVICE_PROGRAMS]))('SecretReader against gnome-keyring', { retry: 2 }, () => {
  let session: SecretServiceSession;
  beforeAll(async () => {
    session = await startSecretService({ prefix: 'tsstore-reader-' });
    for (const [serverURL, username, secret] of SECRETS) {
      expect(await session.run(['store'], login(serverURL, username, secret), keyringOnly)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    }
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('reads what the library wrote, byte for byte (non-ASCII, long)', async () => {
    const client = new SecretServiceClient(session.env);
    try {
      const reader = new SecretReader(client);
      for (const [serverURL] of SECRETS) {
        // secret-tool, over D-Bus and independent of tsstore, says what the item holds.
        const [item] = await session.searchItems(attributes(serverURL));
        const answer = await reader.read(attributes(serverURL));
        expect(answer.kind, serverURL).toBe('secret');
        if (answer.kind !== 'secret') continue;
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
      const backend = new KeyringBackend(forbiddenLoader(calls), new SecretServiceGuard(client));
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

  it('a locked collection: the direct path steps aside and the guard says "locked", as before', async () => {
    const locked = await startSecretService({ prefix: 'tsstore-reader-locked-' });
    try {
      expect(await locked.run(['store'], login('locked.example', 'u', 's'), keyringOnly)).toMatchObject({ exitCode: 0 });
      await locked.lock();
      const client = new SecretServiceClient(locked.env);
      try {
        expect(await new SecretReader(client).read(attributes('locked.example'))).toEqual({ kind: 'unknown' });
        // The library (here a stand-in that answers null, as the real one does for a locked item) then the guard.
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
        const backend = new KeyringBackend(async () => library, new SecretServiceGuard(client));
        for (const serverURL of ['locked.example', 'never-stored.example']) {
          await expect(backend.get(serverURL), serverURL).rejects.toMatchObject({
            code: 'locked',
            message: expect.stringContaining('the keyring is locked (Secret Service collection "Login")'),
          });
        }
      } finally {
        client.close();
      }
    } finally {
      await locked.stop();
    }
  });
});
