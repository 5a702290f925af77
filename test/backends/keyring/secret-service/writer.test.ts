/**
 * The direct write and delete against a scripted Secret Service whose session crypto is node:crypto's.
 * Every case that is not plain (locked, several items, a prompt, a refused session) must be declined,
 * so the library path takes over. The real gnome-keyring is in real-keyring.test.ts.
 */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DBusError } from '../../../../src/dbus/connection.js';
import type { DBusValue, DBusVariant } from '../../../../src/dbus/types.js';
import { EncryptedSession } from '../../../../src/backends/keyring/secret-service/session.js';
import type { ItemPaths, SecretServiceState } from '../../../../src/backends/keyring/secret-service/state.js';
import { SecretWriter, type SecretWriterCalls } from '../../../../src/backends/keyring/secret-service/writer.js';
import { matchingItems, openServiceSession } from './service-side.js';

const SESSION_PATH = '/org/freedesktop/secrets/session/s3';
const COLLECTION = '/org/freedesktop/secrets/collection/login';

interface FakeItem {
  label: string;
  attributes: Record<string, string>;
  secret: Buffer;
  contentType: string;
  locked: boolean;
}

class FakeService implements SecretWriterCalls {
  readonly stored = new Map<string, FakeItem>();
  readonly calls: string[] = [];
  locked = false;
  refuseDh = false;
  prompt = '/';
  private next = 1;
  private sessionKey: Buffer | undefined;

  add(path: string, serverURL: string, locked = false): void {
    this.stored.set(path, { label: 'x', attributes: { service: 'tsstore', username: serverURL }, secret: Buffer.from('old'), contentType: 'text/plain', locked });
  }

  async connected(): Promise<boolean> {
    return true;
  }

  async status(): Promise<SecretServiceState> {
    return { state: 'ready', address: 'unix:path=/x', collection: { path: COLLECTION, label: 'Login', locked: this.locked } };
  }

  forgetSearches(): void {
    this.calls.push('forget');
  }

  async items(attributes: Record<string, string>): Promise<ItemPaths | undefined> {
    return matchingItems(this.stored, attributes);
  }

  async ask(path: string, _iface: string, member: string, signature?: string, given: DBusValue[] | (() => DBusValue[]) = []): Promise<DBusValue[]> {
    // A body function is the client's to run once connected (client.ts): here, at once.
    const body = typeof given === 'function' ? given() : given;
    this.calls.push(member);
    if (member === 'OpenSession') {
      const session = openServiceSession(body, SESSION_PATH, this.refuseDh);
      this.sessionKey = session.key;
      return session.reply;
    }
    if (member === 'CreateItem') {
      expect(path).toBe('/org/freedesktop/secrets/aliases/default');
      expect(signature).toBe('a{sv}(oayays)b');
      const [properties, secret, replace] = body as [Array<[string, DBusVariant]>, [string, number[], number[], string], boolean];
      expect(replace).toBe(true);
      const [session, iv, value, contentType] = secret;
      expect(session).toBe(SESSION_PATH);
      const decipher = nodeCrypto.createDecipheriv('aes-128-cbc', this.sessionKey ?? Buffer.alloc(16), Buffer.from(iv));
      const plain = Buffer.concat([decipher.update(Buffer.from(value)), decipher.final()]);
      const props = new Map(properties.map(([name, variant]) => [name, variant.value]));
      const attributes = Object.fromEntries(props.get('org.freedesktop.Secret.Item.Attributes') as Array<[string, string]>);
      if (this.prompt !== '/') return ['/', this.prompt];
      for (const [existing, item] of this.stored) if (JSON.stringify(item.attributes) === JSON.stringify(attributes)) this.stored.delete(existing);
      const created = `${COLLECTION}/${this.next++}`;
      this.stored.set(created, { label: props.get('org.freedesktop.Secret.Item.Label') as string, attributes, secret: plain, contentType, locked: false });
      return [created, '/'];
    }
    if (member === 'Delete') {
      if (this.prompt !== '/') return [this.prompt];
      this.stored.delete(path);
      return ['/'];
    }
    throw new Error(`unexpected call ${member}`);
  }
}

const item = (serverURL: string) => ({ label: `keyring:${serverURL}@tsstore`, attributes: { service: 'tsstore', username: serverURL } });
const writerFor = (service: FakeService) => new SecretWriter(service, new EncryptedSession(service));

describe('SecretWriter.write', () => {
  it('creates the item as the library does, encrypted for the session, byte for byte (non-ASCII, long)', async () => {
    const service = new FakeService();
    const writer = writerFor(service);
    const long = `{"tsstore":1,"Username":"ü","Secret":"${'ẞ🔑x'.repeat(30_000)}"}`;
    expect(await writer.write(item('reg.example'), long)).toEqual({ kind: 'stored' });
    const [stored] = service.stored.values();
    expect(stored?.secret.equals(Buffer.from(long, 'utf8'))).toBe(true);
    expect(stored).toMatchObject({ label: 'keyring:reg.example@tsstore', attributes: { service: 'tsstore', username: 'reg.example' }, contentType: 'text/plain' });
    expect(service.calls).toContain('forget');
  });

  it('replaces the one existing item of the default collection: one item afterwards', async () => {
    const service = new FakeService();
    service.add(`${COLLECTION}/9`, 'reg.example');
    expect(await writerFor(service).write(item('reg.example'), 'new')).toEqual({ kind: 'stored' });
    expect([...service.stored.values()].map((entry) => entry.secret.toString())).toEqual(['new']);
  });

  it('leaves to the library: a locked collection, locked or several or foreign items, a prompt, a refused session', async () => {
    const cases: Array<[string, (service: FakeService) => void]> = [
      ['locked collection', (service) => (service.locked = true)],
      ['locked item', (service) => service.add(`${COLLECTION}/1`, 'reg.example', true)],
      ['several items', (service) => (service.add(`${COLLECTION}/1`, 'reg.example'), service.add(`${COLLECTION}/2`, 'reg.example'))],
      ['item in another collection', (service) => service.add('/org/freedesktop/secrets/collection/other/1', 'reg.example')],
      ['prompt', (service) => (service.prompt = '/org/freedesktop/secrets/prompt/p1')],
      ['refused DH', (service) => (service.refuseDh = true)],
    ];
    for (const [name, setUp] of cases) {
      const service = new FakeService();
      setUp(service);
      const before = JSON.stringify([...service.stored]);
      expect(await writerFor(service).write(item('reg.example'), 'secret'), name).toEqual({ kind: 'declined' });
      expect(JSON.stringify([...service.stored]), name).toBe(before);
      if (name !== 'prompt') expect(service.calls, name).not.toContain('CreateItem');
    }
  });

  it('a failing call is declined, never an error', async () => {
    const service = new FakeService();
    service.ask = async () => {
      throw new DBusError('org.freedesktop.DBus.Error.Failed: no', 'org.freedesktop.DBus.Error.Failed');
    };
    expect(await writerFor(service).write(item('reg.example'), 'secret')).toEqual({ kind: 'declined' });
  });
});

describe('SecretWriter.remove', () => {
  it('deletes the one unlocked item; none at all is "absent"', async () => {
    const service = new FakeService();
    service.add(`${COLLECTION}/1`, 'reg.example');
    service.add(`${COLLECTION}/2`, 'keep.example');
    const writer = writerFor(service);
    expect(await writer.remove(item('reg.example').attributes)).toEqual({ kind: 'deleted' });
    expect([...service.stored.keys()]).toEqual([`${COLLECTION}/2`]);
    expect(await writer.remove(item('none.example').attributes)).toEqual({ kind: 'absent' });
  });

  it('leaves to the library: locked, several, a prompt, a failing call', async () => {
    const cases: Array<[string, (service: FakeService) => void]> = [
      ['locked item', (service) => service.add(`${COLLECTION}/1`, 'reg.example', true)],
      ['several items', (service) => (service.add(`${COLLECTION}/1`, 'reg.example'), service.add(`${COLLECTION}/2`, 'reg.example'))],
      ['prompt', (service) => (service.add(`${COLLECTION}/1`, 'reg.example'), (service.prompt = '/org/freedesktop/secrets/prompt/p1'))],
      ['failing', (service) => (service.add(`${COLLECTION}/1`, 'reg.example'), (service.ask = async () => Promise.reject(new Error('gone'))))],
    ];
    for (const [name, setUp] of cases) {
      const service = new FakeService();
      setUp(service);
      const before = [...service.stored.keys()];
      expect(await writerFor(service).remove(item('reg.example').attributes), name).toEqual({ kind: 'declined' });
      expect([...service.stored.keys()], name).toEqual(before);
    }
  });
});
