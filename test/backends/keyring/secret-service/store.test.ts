/**
 * DirectStore, the keyring backend's one interface to the Secret Service, against a scripted service:
 * what it does itself, what it declines for the library, and when nothing may ask the service at all
 * (the library has no timeout). The real gnome-keyring is in real-keyring.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loginItem } from '../../../../src/backends/keyring/item-format.js';
import type { ItemCount, ItemPaths, SecretServiceState } from '../../../../src/backends/keyring/secret-service/state.js';
import { DirectStore, type StoreCalls } from '../../../../src/backends/keyring/secret-service/store.js';
import { DBusError } from '../../../../src/dbus/connection.js';
import type { DBusValue } from '../../../../src/dbus/types.js';
import { matchingItems } from './service-side.js';

const COLLECTION = '/org/freedesktop/secrets/collection/login';
const ADDRESS = 'unix:path=/run/test-bus';

/** A service whose items are all locked (so every read is declined) unless a test says otherwise. */
class ScriptedService implements StoreCalls {
  readonly stored = new Map<string, { attributes: Record<string, string>; locked: boolean }>();
  state: SecretServiceState = { state: 'ready', address: ADDRESS, collection: { path: COLLECTION, label: 'Login', locked: false } };
  unanswered: { address: string; detail: string } | undefined;
  readonly calls: string[] = [];

  add(path: string, serverURL: string, locked: boolean): void {
    this.stored.set(path, { attributes: loginItem(serverURL).attributes, locked });
  }
  async connected(): Promise<boolean> {
    return true;
  }
  async status(): Promise<SecretServiceState> {
    return this.state;
  }
  async items(attributes: Record<string, string>): Promise<ItemPaths | undefined> {
    return matchingItems(this.stored, attributes);
  }
  async count(attributes: Record<string, string>): Promise<ItemCount | undefined> {
    const paths = await this.items(attributes);
    return { unlocked: paths?.unlocked.length ?? 0, locked: paths?.locked.length ?? 0 };
  }
  forgetSearches(): void {}
  silence(): { address: string; detail: string } | undefined {
    return this.unanswered;
  }
  async ask(_path: string, _iface: string, member: string): Promise<DBusValue[]> {
    this.calls.push(member);
    throw new DBusError('org.freedesktop.DBus.Error.NotSupported: no', 'org.freedesktop.DBus.Error.NotSupported');
  }
}

describe('DirectStore', () => {
  it('nothing there at all: "absent" for get and delete, without asking the library', async () => {
    const store = new DirectStore(new ScriptedService());
    expect(await store.get(loginItem('none.example'))).toEqual({ kind: 'absent' });
    expect(await store.delete(loginItem('none.example'))).toEqual({ kind: 'absent' });
    expect(await store.list('tsstore')).toEqual({ kind: 'absent' });
  });

  it('a locked item is declined, for the library; explain then says "locked"', async () => {
    const service = new ScriptedService();
    service.add(`${COLLECTION}/1`, 'reg.example', true);
    const store = new DirectStore(service);
    expect(await store.get(loginItem('reg.example'))).toEqual({ kind: 'declined' });
    expect(await store.delete(loginItem('reg.example'))).toEqual({ kind: 'declined' });
    expect(await store.list('tsstore')).toEqual({ kind: 'declined' });
    expect((await store.explain(false, loginItem('reg.example')))?.code).toBe('locked');
    expect(await store.explain(false, loginItem('other.example'))).toBeUndefined();
  });

  it('a service that left a call unanswered: every verb is "unavailable", never declined to the library', async () => {
    const service = new ScriptedService();
    service.add(`${COLLECTION}/1`, 'reg.example', true);
    service.unanswered = { address: ADDRESS, detail: 'org.freedesktop.secrets did not answer GetSecret in time' };
    const store = new DirectStore(service);
    const answers = [
      await store.get(loginItem('reg.example')),
      await store.delete(loginItem('reg.example')),
      await store.list('tsstore'),
      await store.add(loginItem('new.example'), 'secret'),
    ];
    for (const answer of answers) {
      expect(answer).toMatchObject({
        kind: 'unavailable',
        error: { code: 'backend-unavailable', message: expect.stringContaining(`the Secret Service on the D-Bus session bus at ${ADDRESS} does not answer`) },
      });
    }
  });

  it('a service that cannot be reached: "unavailable" with what to do; one without a default collection: declined', async () => {
    const service = new ScriptedService();
    service.add(`${COLLECTION}/1`, 'reg.example', true);
    service.state = { state: 'no-service', address: ADDRESS, detail: 'org.freedesktop.DBus.Error.NameHasNoOwner: no' };
    const store = new DirectStore(service);
    expect(await store.add(loginItem('reg.example'), 'secret')).toMatchObject({ kind: 'unavailable', error: { message: expect.stringContaining('nothing on the D-Bus session bus provides it') } });
    expect(await store.get(loginItem('reg.example'))).toMatchObject({ kind: 'unavailable' });
    service.state = { state: 'no-default-collection', address: ADDRESS };
    expect(await store.add(loginItem('reg.example'), 'secret')).toEqual({ kind: 'declined' });
    expect((await store.explain(true))?.message).toMatch(/no default collection/);
  });
});
