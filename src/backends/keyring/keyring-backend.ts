/**
 * The OS keyring backend. On Linux (and the BSDs) the Secret Service is asked first over tsstore's own
 * D-Bus client (secret-service/store.ts): it answers "not there" without loading the native addon (a
 * `get` tries up to seven spellings of a registry), reads, writes and deletes unlocked items itself,
 * and explains every empty answer or failure of the library, which cannot tell "not there" from
 * "locked" (a lookup in a locked collection answers null). @napi-rs/keyring is the stated fallback:
 * for what the direct path declines on Linux (locked items, several items, a prompt), and for
 * everything on macOS (Keychain) and Windows (Credential Manager). Once the direct path found the
 * service unreachable or silent, the library is never called: it has no timeout and would hang.
 */
import { lookupCandidates } from '../../docker/server-url.js';
import { TsstoreError } from '../../errors.js';
import { CREDENTIALS_NOT_FOUND } from '../../protocol/messages.js';
import type { Backend, StoredLogin } from '../backend.js';
import { type ItemSearch, KEYRING_SERVICE, type KeyringItem, decodeLogin, encodeLogin, loginItem } from './item-format.js';
import { libraryError, notTsstoreItemError } from './messages.js';
import { type KeyringEntry, type KeyringLibrary, PINNED } from './native.js';
import type { SecretServiceStore } from './secret-service/store.js';

/** What an answer was about, for the explanation of an empty or failed one. */
interface Asked {
  writing: boolean;
  search: ItemSearch;
}

/** No direct path (macOS, Windows): the library does everything. */
const DECLINED = { kind: 'declined' } as const;

export class KeyringBackend implements Backend {
  readonly name = 'keyring' as const;
  private library: Promise<KeyringLibrary> | undefined;
  private lookedAhead = false;

  /** `loadLibrary` is called at most once, and only when the library must really read or write an item. */
  constructor(
    private readonly loadLibrary: () => Promise<KeyringLibrary>,
    private readonly direct?: SecretServiceStore,
  ) {}

  private libraryNow(): Promise<KeyringLibrary> {
    this.library ??= this.loadLibrary();
    return this.library;
  }

  private async entry(item: KeyringItem): Promise<KeyringEntry> {
    const { Entry } = await this.libraryNow();
    return new Entry(item.service, item.account, PINNED);
  }

  /** The error for an empty answer: the keyring's state if that explains it, else not-found. */
  private async missing(asked: Asked): Promise<TsstoreError> {
    return (await this.direct?.explain(asked.writing, asked.search)) ?? new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
  }

  /** The error for a library failure: the keyring's state if that explains it, else the library's word. */
  private async failed(action: string, error: unknown, asked: Asked): Promise<TsstoreError> {
    if (error instanceof TsstoreError) return error; // from loading the addon: already says what to do
    return (await this.direct?.explain(asked.writing, asked.search)) ?? libraryError(action, error);
  }

  async add(serverURL: string, login: StoredLogin): Promise<void> {
    const item = loginItem(serverURL);
    const password = encodeLogin(login);
    const direct = (await this.direct?.add(item, password)) ?? DECLINED;
    if (direct.kind === 'stored') return;
    if (direct.kind === 'unavailable') throw direct.error;
    try {
      // One item per server: a new username replaces the old one together with the secret.
      (await this.entry(item)).setPassword(password);
    } catch (error) {
      throw await this.failed('store the credentials', error, { writing: true, search: item });
    }
  }

  async get(serverURL: string): Promise<StoredLogin> {
    const login = await this.find(serverURL);
    if (!login) throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
    return login;
  }

  /**
   * get without the not-found error (protocol/handle.ts tries each spelling of a registry through it);
   * a locked or unreachable keyring still throws, never passes as "not there".
   */
  async find(serverURL: string): Promise<StoredLogin | undefined> {
    const item = loginItem(serverURL);
    const asked = { writing: false, search: item };
    const direct = (await this.direct?.get(item)) ?? DECLINED;
    if (direct.kind === 'found') return this.decode(serverURL, direct.text);
    if (direct.kind === 'absent') {
      this.lookAhead(serverURL);
      return this.absent(asked);
    }
    if (direct.kind === 'unavailable') throw direct.error;
    let password: string | null;
    try {
      password = (await this.entry(item)).getPassword();
    } catch (error) {
      throw await this.failed('read the credentials', error, asked);
    }
    // null is also the answer of a locked collection: never let that pass as not-found.
    if (password === null) return this.absent(asked);
    return this.decode(serverURL, password);
  }

  /** Nothing found: undefined, unless the keyring's state explains the empty answer (locked, unreachable). */
  private async absent(asked: Asked): Promise<undefined> {
    const problem = await this.direct?.explain(asked.writing, asked.search);
    if (problem) throw problem;
    return undefined;
  }

  /**
   * After the first spelling of a registry missed, the others are asked next (handle.ts, lookupCandidates):
   * their searches leave now, with the state the miss asks for, in one round trip instead of one each.
   * Single file against gnome-keyring, `get` of a host that is not stored (6 spellings): 8 -> 3 bus
   * round trips (strace), 21.08 M -> 21.32 M instructions (valgrind; the five searches are the same,
   * their replies now come in together), 1415 -> 1351 page faults without the warm-up thread.
   */
  private lookAhead(serverURL: string): void {
    if (this.lookedAhead || !this.direct?.lookAhead) return;
    this.lookedAhead = true;
    const [, ...aliases] = lookupCandidates(serverURL);
    if (aliases.length > 0) this.direct.lookAhead(aliases.map(loginItem));
  }

  private decode(serverURL: string, password: string): StoredLogin {
    const login = decodeLogin(password);
    if (!login) throw notTsstoreItemError(serverURL);
    return login;
  }

  async delete(serverURL: string): Promise<void> {
    const item = loginItem(serverURL);
    const asked = { writing: false, search: item };
    const direct = (await this.direct?.delete(item)) ?? DECLINED;
    if (direct.kind === 'deleted') return;
    if (direct.kind === 'absent') throw await this.missing(asked);
    if (direct.kind === 'unavailable') throw direct.error;
    let deleted: boolean;
    try {
      deleted = (await this.entry(item)).deleteCredential();
    } catch (error) {
      throw await this.failed('remove the credentials', error, asked);
    }
    if (!deleted) throw await this.missing(asked);
  }

  async list(): Promise<Map<string, string>> {
    const asked = { writing: false, search: { service: KEYRING_SERVICE } };
    const direct = (await this.direct?.list(KEYRING_SERVICE)) ?? DECLINED;
    if (direct.kind === 'unavailable') throw direct.error;
    let found = direct.kind === 'found' ? direct.items : [];
    if (direct.kind === 'declined') {
      try {
        found = (await this.libraryNow()).findCredentials(KEYRING_SERVICE).map(({ account, password }) => ({ account, text: password }));
      } catch (error) {
        throw await this.failed('list the credentials', error, asked);
      }
    }
    // An empty answer from a locked keyring is not an empty store.
    if (found.length === 0) {
      const problem = await this.direct?.explain(asked.writing, asked.search);
      if (problem) throw problem;
    }
    const accounts = new Map<string, string>();
    for (const { account, text } of found) {
      const login = decodeLogin(text);
      // An item of the same service that tsstore did not write is skipped, so one stranger never breaks `list`.
      if (login) accounts.set(account, login.username);
    }
    return accounts;
  }
}
