/**
 * The direct read of an item against a scripted Secret Service whose session crypto is node:crypto's
 * (an independent implementation of the service's side). The real gnome-keyring is in
 * real-keyring.test.ts.
 */
import * as nodeCrypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DBusError } from '../../../../src/dbus/connection.js';
import { decodeMessage, encodeMethodCall } from '../../../../src/dbus/message.js';
import type { DBusValue, DBusVariant } from '../../../../src/dbus/types.js';
import { DH_ALGORITHM } from '../../../../src/backends/keyring/secret-service/dh-session.js';
import type { ItemPaths } from '../../../../src/backends/keyring/secret-service/state.js';
import { SecretReader, type SecretServiceCalls } from '../../../../src/backends/keyring/secret-service/reader.js';
import { EncryptedSession } from '../../../../src/backends/keyring/secret-service/session.js';
import { matchingItems, openServiceSession } from './service-side.js';

const SESSION_PATH = '/org/freedesktop/secrets/session/s7';

interface FakeItem {
  attributes: Record<string, string>;
  secret: Uint8Array;
  locked: boolean;
}

class FakeService implements SecretServiceCalls {
  readonly stored = new Map<string, FakeItem>();
  readonly calls: string[] = [];
  readonly algorithms: string[] = [];
  refuseDh = false;
  failGetSecret = false;
  private sessionKey: Buffer | undefined;

  add(path: string, serverURL: string, secret: Uint8Array | string, locked = false): void {
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    this.stored.set(path, { attributes: { service: 'tsstore', username: serverURL }, secret: bytes, locked });
  }

  /** The Secret struct (oayays) of an item, encrypted for the session. */
  private secretStruct(path: string): DBusValue {
    const item = this.stored.get(path);
    if (!item || !this.sessionKey) throw new DBusError('org.freedesktop.Secret.Error.NoSuchObject: no', 'org.freedesktop.Secret.Error.NoSuchObject');
    const iv = nodeCrypto.randomBytes(16);
    const cipher = nodeCrypto.createCipheriv('aes-128-cbc', this.sessionKey, iv);
    const value = Buffer.concat([cipher.update(item.secret), cipher.final()]);
    return [SESSION_PATH, [...iv], [...value], 'text/plain'];
  }

  async connected(): Promise<boolean> {
    return true;
  }

  async items(attributes: Record<string, string>): Promise<ItemPaths | undefined> {
    this.calls.push('SearchItems');
    return matchingItems(this.stored, attributes);
  }

  async ask(path: string, _iface: string, member: string, signature?: string, given: DBusValue[] | (() => DBusValue[]) = []): Promise<DBusValue[]> {
    // A body function is the client's to run once connected (client.ts): here, at once.
    const body = typeof given === 'function' ? given() : given;
    this.calls.push(member);
    if (member === 'OpenSession') {
      expect(signature).toBe('sv');
      const [algorithm, input] = body as [string, DBusVariant];
      this.algorithms.push(algorithm);
      expect(input.signature).toBe('ay');
      const session = openServiceSession(body, SESSION_PATH, this.refuseDh);
      this.sessionKey = session.key;
      return session.reply;
    }
    if (member === 'GetSecret') {
      expect(body).toEqual([SESSION_PATH]);
      const item = this.stored.get(path);
      if (!item || item.locked || this.failGetSecret || !this.sessionKey) {
        throw new DBusError('org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object', 'org.freedesktop.Secret.Error.IsLocked');
      }
      return [this.secretStruct(path)];
    }
    if (member === 'Get') {
      expect(body).toEqual(['org.freedesktop.Secret.Item', 'Attributes']);
      const item = this.stored.get(path);
      return [{ signature: 'a{ss}', value: Object.entries(item?.attributes ?? {}) }];
    }
    if (member === 'GetSecrets') {
      const [paths, session] = body as [string[], string];
      expect(session).toBe(SESSION_PATH);
      return [paths.map((item) => [item, this.secretStruct(item)])];
    }
    throw new Error(`unexpected call ${member}`);
  }
}

const attributes = (serverURL: string) => ({ service: 'tsstore', username: serverURL });

describe('SecretReader', () => {
  it('reads the one unlocked item over an encrypted session, byte for byte (non-ASCII, long)', async () => {
    const service = new FakeService();
    const long = `{"tsstore":1,"Username":"u","Secret":"${'ẞ🔑x'.repeat(30_000)}"}`;
    service.add('/c/1', 'reg.example', '{"tsstore":1,"Username":"ü","Secret":"p\\"ä 🔑"}');
    service.add('/c/2', 'long.example', long);
    const reader = new SecretReader(service);
    expect(await reader.read(attributes('reg.example'))).toEqual({ kind: 'found', text: '{"tsstore":1,"Username":"ü","Secret":"p\\"ä 🔑"}' });
    expect(await reader.read(attributes('long.example'))).toEqual({ kind: 'found', text: long });
    // One session for the process; never a plain one.
    expect(service.calls.filter((call) => call === 'OpenSession')).toHaveLength(1);
    expect(service.algorithms).toEqual([DH_ALGORITHM]);
  });

  it('no item at all is "absent"', async () => {
    const service = new FakeService();
    expect(await new SecretReader(service).read(attributes('none.example'))).toEqual({ kind: 'absent' });
    expect(service.calls).not.toContain('GetSecret');
  });

  it('locked, several, or unreadable items are left to the library (declined)', async () => {
    const service = new FakeService();
    service.add('/c/1', 'locked.example', 'x', true);
    service.add('/c/2', 'twice.example', 'a');
    service.add('/c/3', 'twice.example', 'b');
    service.add('/c/4', 'mixed.example', 'a');
    service.add('/c/5', 'mixed.example', 'b', true);
    service.add('/c/6', 'binary.example', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    const reader = new SecretReader(service);
    for (const serverURL of ['locked.example', 'twice.example', 'mixed.example', 'binary.example']) {
      expect(await reader.read(attributes(serverURL)), serverURL).toEqual({ kind: 'declined' });
    }
    service.add('/c/7', 'fails.example', 'x');
    service.failGetSecret = true;
    expect(await reader.read(attributes('fails.example'))).toEqual({ kind: 'declined' });
  });

  it('a service that refuses the DH session: declined, never a fallback to plain', async () => {
    const service = new FakeService();
    service.refuseDh = true;
    service.add('/c/1', 'reg.example', 'x');
    expect(await new SecretReader(service).read(attributes('reg.example'))).toEqual({ kind: 'declined' });
    expect(service.algorithms).toEqual([DH_ALGORITHM]);
    expect(service.calls).not.toContain('GetSecret');
  });

  it('a search that cannot be asked is declined', async () => {
    const service = new FakeService();
    service.items = async () => undefined;
    expect(await new SecretReader(service).read(attributes('reg.example'))).toEqual({ kind: 'declined' });
  });
});

describe('SecretReader.readAll', () => {
  const all = { service: 'tsstore' };

  it('every item with its account and secret, in one GetSecrets call', async () => {
    const service = new FakeService();
    service.add('/c/1', 'a.example', '{"tsstore":1,"Username":"ä","Secret":"🔑"}');
    service.add('/c/2', 'b.example:5000', 'second');
    expect(await new SecretReader(service).readAll(all)).toEqual({
      kind: 'found',
      items: [
        { account: 'a.example', text: '{"tsstore":1,"Username":"ä","Secret":"🔑"}' },
        { account: 'b.example:5000', text: 'second' },
      ],
    });
    expect(service.calls.filter((call) => call === 'GetSecrets')).toHaveLength(1);
    expect(service.calls).not.toContain('GetSecret');
  });

  it('none is "absent"; a locked item, an item without a username, or a secret that is not UTF-8 is declined', async () => {
    expect(await new SecretReader(new FakeService()).readAll(all)).toEqual({ kind: 'absent' });
    const locked = new FakeService();
    locked.add('/c/1', 'a.example', 'x');
    locked.add('/c/2', 'b.example', 'y', true);
    expect(await new SecretReader(locked).readAll(all)).toEqual({ kind: 'declined' });
    const anonymous = new FakeService();
    anonymous.add('/c/1', 'a.example', 'x');
    anonymous.stored.set('/c/2', { attributes: { service: 'tsstore' }, secret: Buffer.from('y'), locked: false });
    expect(await new SecretReader(anonymous).readAll(all)).toEqual({ kind: 'declined' });
    const binary = new FakeService();
    binary.add('/c/1', 'a.example', new Uint8Array([0xc3, 0x28]));
    expect(await new SecretReader(binary).readAll(all)).toEqual({ kind: 'declined' });
  });
});

describe('OpenSession on the wire', () => {
  it('sends the algorithm and the public key as a variant of bytes', () => {
    const publicKey = [...nodeCrypto.randomBytes(128)];
    const bytes = encodeMethodCall({
      serial: 3,
      destination: 'org.freedesktop.secrets',
      path: '/org/freedesktop/secrets',
      interface: 'org.freedesktop.Secret.Service',
      member: 'OpenSession',
      signature: 'sv',
      body: [DH_ALGORITHM, { signature: 'ay', value: publicKey }],
    });
    const message = decodeMessage(bytes);
    expect(message.signature).toBe('sv');
    expect(message.body).toEqual([DH_ALGORITHM, { signature: 'ay', value: publicKey }]);
  });
});

describe('the session crypto failing on this side (no randomness, no WebCrypto)', () => {
  /** Rejections nobody handled while `body` ran and a few turns after it. */
  async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
    const seen: unknown[] = [];
    const listener = (reason: unknown) => seen.push(reason);
    process.on('unhandledRejection', listener);
    try {
      await body();
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', listener);
    }
    return seen;
  }

  const failures = [
    ['the key pair', () => vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(() => {
      throw new Error('no randomness');
    })],
    ['the WebCrypto warm-up', () => vi.spyOn(globalThis.crypto.subtle, 'digest').mockImplementation(() => {
      throw new TypeError('no WebCrypto');
    })],
  ] as const;

  afterEach(() => vi.restoreAllMocks());

  it.each(failures)('%s throwing: no session (declined, the library takes over), never a rejection', async (_what, fail) => {
    const service = new FakeService();
    service.add('/c/1', 'reg.example', 'x');
    fail();
    const unhandled = await unhandledDuring(async () => {
      expect(await new EncryptedSession(service).open()).toBeUndefined();
      expect(await new SecretReader(service).read(attributes('reg.example'))).toEqual({ kind: 'declined' });
    });
    expect(unhandled).toEqual([]);
    expect(service.calls).not.toContain('GetSecret');
  });

  it.each(failures)('%s throwing while the item is absent: "absent", and the session nobody waits for rejects nothing', async (_what, fail) => {
    const service = new FakeService();
    fail();
    const unhandled = await unhandledDuring(async () => {
      expect(await new SecretReader(service).read(attributes('none.example'))).toEqual({ kind: 'absent' });
    });
    expect(unhandled).toEqual([]);
  });
});
