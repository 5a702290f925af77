import { describe, expect, it } from 'vitest';
import { type CheckContext, KeyringBackend, type KeyringGuard } from '../../../src/backends/keyring/keyring-backend.js';
import type { EntryOptions, KeyringEntry, KeyringLibrary } from '../../../src/backends/keyring/native.js';
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

class FakeGuard implements KeyringGuard {
  locked = false;
  readonly asked: CheckContext[] = [];
  constructor(private readonly library: FakeLibrary) {}
  async holds(serverURL?: string): Promise<boolean> {
    return [...this.library.items.keys()].some((key) => serverURL === undefined || key === `tsstore\u0000${serverURL}`);
  }
  async explain(context: CheckContext): Promise<TsstoreError | undefined> {
    this.asked.push(context);
    return this.locked ? new TsstoreError('locked', 'the keyring is locked') : undefined;
  }
}

function setup(withGuard = true) {
  const library = new FakeLibrary();
  const guard = new FakeGuard(library);
  const backend = new KeyringBackend(async () => {
    library.loads += 1;
    return library;
  }, withGuard ? guard : undefined);
  return { library, guard, backend };
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

  it('answers a miss from the guard alone, never loading the addon', async () => {
    const { library, backend } = setup();
    expect(await errorCodeOf(backend.get('nothing.example'))).toBe('not-found');
    expect(await errorCodeOf(backend.delete('nothing.example'))).toBe('not-found');
    expect(await backend.list()).toEqual(new Map());
    expect(library.loads).toBe(0);
  });

  it('a locked keyring is "locked" for every verb, never not-found', async () => {
    const { library, guard, backend } = setup();
    await backend.add('reg.example', { username: 'u', secret: 's' });
    library.mode = 'locked';
    guard.locked = true;
    expect(await errorCodeOf(backend.get('reg.example'))).toBe('locked');
    expect(await errorCodeOf(backend.get('unknown.example'))).toBe('locked');
    expect(await errorCodeOf(backend.delete('reg.example'))).toBe('locked');
    expect(await errorCodeOf(backend.add('new.example', { username: 'u', secret: 's' }))).toBe('locked');
    expect(await errorCodeOf(backend.list())).toBe('locked');
    expect(guard.asked).toContainEqual({ serverURL: 'new.example', writing: true });
  });

  it('an empty list from a locked keyring is not an empty store', async () => {
    const { guard, backend } = setup();
    guard.locked = true;
    expect(await errorCodeOf(backend.list())).toBe('locked');
  });

  it('a library failure the guard cannot explain keeps the library\'s first line', async () => {
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

  it('a guard that reads items itself: get and list never load the addon; "unknown" falls back to the library', async () => {
    const { library, guard, backend } = setup();
    await backend.add('reg.example', { username: 'u', secret: 's' });
    library.loads = 0;
    const direct: KeyringGuard = {
      holds: (serverURL) => guard.holds(serverURL),
      explain: (context) => guard.explain(context),
      read: async (serverURL) => {
        const password = library.items.get(`tsstore\u0000${serverURL}`);
        if (serverURL === 'library.example') return { kind: 'unknown' };
        return password === undefined ? { kind: 'absent' } : { kind: 'secret', text: password };
      },
      readAll: async () => ({
        kind: 'items',
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

  it('a guard that writes and deletes itself: store and erase never load the addon; "not done" falls back to the library', async () => {
    const { library, guard } = setup();
    const direct: KeyringGuard = {
      holds: (serverURL) => guard.holds(serverURL),
      explain: (context) => guard.explain(context),
      write: async (serverURL, password) => {
        if (serverURL === 'library.example') return false;
        library.items.set(`tsstore\u0000${serverURL}`, password);
        return true;
      },
      remove: async (serverURL) => {
        if (serverURL === 'library.example') return 'unknown';
        return library.items.delete(`tsstore\u0000${serverURL}`) ? 'deleted' : 'absent';
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
    guard.locked = true;
    expect(await errorCodeOf(fast.add('library.example', { username: 'l', secret: 's' }))).toBe('locked');
  });

  it('a guard that saw the service wedged or unreachable: no verb asks the library (it has no timeout and would hang)', async () => {
    const { library, guard } = setup();
    library.items.set('tsstore\u0000held.example', '{"tsstore":1,"Username":"u","Secret":"s"}');
    const silent = new TsstoreError('backend-unavailable', 'the Secret Service does not answer');
    let blockedAsks = 0;
    const wedged: KeyringGuard = {
      holds: (serverURL) => guard.holds(serverURL),
      explain: (context) => guard.explain(context),
      read: async () => ({ kind: 'unknown' }),
      readAll: async () => ({ kind: 'unknown' }),
      write: async () => false,
      remove: async () => 'unknown',
      libraryBlocked: async () => {
        blockedAsks += 1;
        return silent;
      },
    };
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

  it('without a guard (macOS, Windows), null is not-found and failures are the library\'s', async () => {
    const { library, backend } = setup(false);
    expect(await errorCodeOf(backend.get('x.example'))).toBe('not-found');
    expect(library.loads).toBe(1);
    library.mode = 'locked';
    expect(await errorCodeOf(backend.list())).toBe('backend-unavailable');
  });
});
