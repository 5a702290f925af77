import { describe, expect, it } from 'vitest';
import type { ItemSearch, KeyringItem } from '../../../src/backends/keyring/item-format.js';
import { KeyringBackend } from '../../../src/backends/keyring/keyring-backend.js';
import type { EntryOptions, KeyringEntry, KeyringLibrary } from '../../../src/backends/keyring/native.js';
import type { SecretServiceStore } from '../../../src/backends/keyring/secret-service/store.js';
import { TsstoreError } from '../../../src/errors.js';
import { errorCodeOf } from '../../support/error-code.js';

/** An in-memory stand-in for @napi-rs/keyring: (service, account) -> password, and a switch to fail or lock. */
class FakeLibrary implements KeyringLibrary {
  readonly items = new Map<string, string>();
  readonly options: Array<EntryOptions | undefined> = [];
  /** 'locked': reads answer null like the real library in a locked collection; writes throw. */
  mode: 'open' | 'locked' | 'broken' = 'open';
  loads = 0;

  get Entry(): KeyringLibrary['Entry'] {
    // The entries the library hands out record into this fake.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const library = this;
    return class implements KeyringEntry {
      private readonly key: string;
      constructor(service: string, account: string, options?: EntryOptions) {
        library.options.push(options);
        this.key = `${service}\u0000${account}`;
      }
      setPassword(password: string): void {
        if (library.mode !== 'open') throw new Error('Couldn\'t access platform storage: Secret Service: unlock prompt was dismissed');
        library.items.set(this.key, password);
      }
      getPassword(): string | null {
        if (library.mode === 'broken') throw new Error('Platform failure: DBus error: boom');
        if (library.mode === 'locked') return null;
        return library.items.get(this.key) ?? null;
      }
      deleteCredential(): boolean {
        if (library.mode !== 'open') throw new Error('Couldn\'t access platform storage: locked');
        return library.items.delete(this.key);
      }
    };
  }

  findCredentials(service: string): Array<{ account: string; password: string }> {
    if (this.mode === 'locked') throw new Error('zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object');
    return [...this.items]
      .filter(([key]) => key.startsWith(`${service}\u0000`))
      .map(([key, password]) => ({ account: key.slice(service.length + 1), password }));
  }
}

const DECLINED = { kind: 'declined' } as const;
const ABSENT = { kind: 'absent' } as const;

/** A direct path that does nothing itself: it declines, or answers "absent" when the library holds no such item. */
class FakeStore implements SecretServiceStore {
  locked = false;
  lookAhead?: (items: KeyringItem[]) => void;
  readonly asked: Array<{ writing: boolean; account?: string }> = [];
  constructor(private readonly library: FakeLibrary) {}
  private holds(account?: string): boolean {
    return [...this.library.items.keys()].some((key) => account === undefined || key === `tsstore\u0000${account}`);
  }
  async get(item: KeyringItem) {
    return this.holds(item.account) ? DECLINED : ABSENT;
  }
  async list() {
    return this.holds() ? DECLINED : ABSENT;
  }
  async add(_item: KeyringItem, _text: string) {
    return DECLINED;
  }
  async delete(item: KeyringItem) {
    return this.holds(item.account) ? DECLINED : ABSENT;
  }
  async explain(writing: boolean, search?: ItemSearch): Promise<TsstoreError | undefined> {
    this.asked.push({ writing, account: search?.account });
    return this.locked ? new TsstoreError('locked', 'the keyring is locked') : undefined;
  }
}

function setup(withStore = true) {
  const library = new FakeLibrary();
  const store = new FakeStore(library);
  const backend = new KeyringBackend(async () => {
    library.loads += 1;
    return library;
  }, withStore ? store : undefined);
  return { library, store, backend };
}


describe('KeyringBackend', () => {
  it('keeps one entry per server URL under service "tsstore", pinned to the Secret Service', async () => {
    const { library, backend } = setup();
    await backend.add('reg.example', { username: 'u', secret: 's' });
    await backend.add('reg.example', { username: 'u2', secret: 's2' });
    expect([...library.items]).toEqual([['tsstore\u0000reg.example', '{"tsstore":1,"Username":"u2","Secret":"s2"}']]);
    expect(library.options.every((options) => options?.linux?.store === 'secret-service')).toBe(true);
    expect(await backend.get('reg.example')).toEqual({ username: 'u2', secret: 's2' });
    expect(await backend.list()).toEqual(new Map([['reg.example', 'u2']]));
    await backend.delete('reg.example');
    expect(library.items.size).toBe(0);
  });

  it('answers a miss from the direct path alone, never loading the addon', async () => {
    const { library, backend } = setup();
    expect(await errorCodeOf(backend.get('nothing.example'))).toBe('not-found');
    expect(await errorCodeOf(backend.delete('nothing.example'))).toBe('not-found');
    expect(await backend.list()).toEqual(new Map());
    expect(library.loads).toBe(0);
  });

  it('a locked keyring is "locked" for every verb, never not-found', async () => {
    const { library, store, backend } = setup();
    await backend.add('reg.example', { username: 'u', secret: 's' });
    library.mode = 'locked';
    store.locked = true;
    expect(await errorCodeOf(backend.get('reg.example'))).toBe('locked');
    expect(await errorCodeOf(backend.get('unknown.example'))).toBe('locked');
    expect(await errorCodeOf(backend.delete('reg.example'))).toBe('locked');
    expect(await errorCodeOf(backend.add('new.example', { username: 'u', secret: 's' }))).toBe('locked');
    expect(await errorCodeOf(backend.list())).toBe('locked');
    expect(store.asked).toContainEqual({ writing: true, account: 'new.example' });
  });

  it('find: a miss is undefined, a locked keyring still "locked"; the first miss sends the other spellings\' searches ahead, once', async () => {
    const { library, store, backend } = setup();
    const ahead: string[][] = [];
    store.lookAhead = (items) => ahead.push(items.map((item) => item.account));
    await backend.add('reg.example:5000', { username: 'u', secret: 's' });
    expect(await backend.find('reg.example:5000')).toEqual({ username: 'u', secret: 's' });
    expect(ahead).toEqual([]); // a hit asks for nothing more
    expect(await backend.find('missing.example')).toBeUndefined();
    expect(await backend.find('https://missing.example')).toBeUndefined();
    // lookupCandidates' spellings after the first, asked once for the whole lookup.
    expect(ahead).toEqual([['https://missing.example', 'http://missing.example', 'missing.example/', 'https://missing.example/', 'http://missing.example/']]);
    library.mode = 'locked';
    store.locked = true;
    expect(await errorCodeOf(backend.find('missing.example'))).toBe('locked');
  });

  it('an empty list from a locked keyring is not an empty store', async () => {
    const { store, backend } = setup();
    store.locked = true;
    expect(await errorCodeOf(backend.list())).toBe('locked');
  });

  it('a library failure the direct path cannot explain keeps the library\'s first line', async () => {
    const { library, backend } = setup();
    await backend.add('reg.example', { username: 'u', secret: 's' });
    library.mode = 'broken';
    await expect(backend.get('reg.example')).rejects.toThrow('the keyring refused to read the credentials: Platform failure: DBus error: boom');
  });

  it('an entry tsstore did not write: get says so, list skips it', async () => {
    const { library, backend } = setup();
    library.items.set('tsstore\u0000foreign.example', 'hunter2');
    await backend.add('ours.example', { username: 'u', secret: 's' });
    await expect(backend.get('foreign.example')).rejects.toMatchObject({ code: 'store-corrupt' });
    expect(await backend.list()).toEqual(new Map([['ours.example', 'u']]));
  });

  it('a failure to load the addon is passed on as it is (it already says what to do)', async () => {
    const failing = new KeyringBackend(async () => {
      throw new TsstoreError('backend-unavailable', 'cannot load the keyring library: TMPDIR');
    });
    await expect(failing.add('x', { username: 'u', secret: 's' })).rejects.toThrow('cannot load the keyring library: TMPDIR');
  });
});

describe('KeyringBackend with a direct path that answers itself', () => {
  it('a direct path that reads items itself: get and list never load the addon; what it declines falls back to the library', async () => {
    const { library, store, backend } = setup();
    await backend.add('reg.example', { username: 'u', secret: 's' });
    library.loads = 0;
    const direct: SecretServiceStore = {
      add: (item, text) => store.add(item, text),
      delete: (item) => store.delete(item),
      explain: (writing, search) => store.explain(writing, search),
      get: async (item) => {
        const password = library.items.get(`tsstore\u0000${item.account}`);
        if (item.account === 'library.example') return DECLINED;
        return password === undefined ? ABSENT : { kind: 'found', text: password };
      },
      list: async () => ({
        kind: 'found',
        items: [...library.items].map(([key, text]) => ({ account: key.split('\u0000')[1] ?? '', text })),
      }),
    };
    const fast = new KeyringBackend(async () => {
      library.loads += 1;
      return library;
    }, direct);
    expect(await fast.get('reg.example')).toEqual({ username: 'u', secret: 's' });
    expect(await errorCodeOf(fast.get('none.example'))).toBe('not-found');
    expect(await fast.list()).toEqual(new Map([['reg.example', 'u']]));
    library.items.set('tsstore\u0000foreign.example', 'hunter2');
    await expect(fast.get('foreign.example')).rejects.toMatchObject({ code: 'store-corrupt' });
    expect(library.loads).toBe(0);
    // Only the library can answer: it is asked, exactly as without the direct path.
    library.items.set('tsstore\u0000library.example', '{"tsstore":1,"Username":"l","Secret":"s"}');
    expect(await fast.get('library.example')).toEqual({ username: 'l', secret: 's' });
    expect(library.loads).toBe(1);
  });

  it('a direct path that writes and deletes itself: store and erase never load the addon; what it declines falls back to the library', async () => {
    const { library, store } = setup();
    const direct: SecretServiceStore = {
      get: (item) => store.get(item),
      list: () => store.list(),
      explain: (writing, search) => store.explain(writing, search),
      add: async (item, password) => {
        if (item.account === 'library.example') return DECLINED;
        library.items.set(`tsstore\u0000${item.account}`, password);
        return { kind: 'stored' };
      },
      delete: async (item) => {
        if (item.account === 'library.example') return store.delete(item);
        return library.items.delete(`tsstore\u0000${item.account}`) ? { kind: 'deleted' } : ABSENT;
      },
    };
    const fast = new KeyringBackend(async () => {
      library.loads += 1;
      return library;
    }, direct);
    await fast.add('reg.example', { username: 'u', secret: 's' });
    expect(library.items.get('tsstore\u0000reg.example')).toBe('{"tsstore":1,"Username":"u","Secret":"s"}');
    await fast.delete('reg.example');
    expect(await errorCodeOf(fast.delete('reg.example'))).toBe('not-found');
    expect(library.loads).toBe(0);
    // Not plainly possible: the library does it, and its failures are explained as before.
    await fast.add('library.example', { username: 'l', secret: 's' });
    expect(library.loads).toBe(1);
    await fast.delete('library.example');
    expect(library.items.size).toBe(0);
    library.mode = 'locked';
    store.locked = true;
    expect(await errorCodeOf(fast.add('library.example', { username: 'l', secret: 's' }))).toBe('locked');
  });
});

describe('KeyringBackend: when the library is asked', () => {
  it('a direct path that saw the service wedged or unreachable: no verb asks the library (it has no timeout and would hang)', async () => {
    const { library, store } = setup();
    library.items.set('tsstore\u0000held.example', '{"tsstore":1,"Username":"u","Secret":"s"}');
    const silent = new TsstoreError('backend-unavailable', 'the Secret Service does not answer');
    let blockedAsks = 0;
    const unavailable = async () => {
      blockedAsks += 1;
      return { kind: 'unavailable', error: silent } as const;
    };
    const wedged: SecretServiceStore = { get: unavailable, list: unavailable, add: unavailable, delete: unavailable, explain: (writing, search) => store.explain(writing, search) };
    const backend = new KeyringBackend(async () => {
      library.loads += 1;
      return library;
    }, wedged);
    for (const attempt of [
      backend.add('new.example', { username: 'u', secret: 's' }),
      backend.get('held.example'),
      backend.delete('held.example'),
      backend.list(),
    ]) {
      await expect(attempt).rejects.toBe(silent);
    }
    expect(blockedAsks).toBe(4);
    expect(library.loads).toBe(0);
    expect([...library.items.keys()]).toEqual(['tsstore\u0000held.example']);
  });

  it('without a direct path (macOS, Windows), null is not-found and failures are the library\'s', async () => {
    const { library, backend } = setup(false);
    expect(await errorCodeOf(backend.get('x.example'))).toBe('not-found');
    expect(library.loads).toBe(1);
    library.mode = 'locked';
    expect(await errorCodeOf(backend.list())).toBe('backend-unavailable');
  });
});
