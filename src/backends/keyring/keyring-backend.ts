/**
 * The OS keyring backend: @napi-rs/keyring (Secret Service on Linux, pinned; Keychain on macOS;
 * Credential Manager on Windows). On Linux a guard that speaks D-Bus itself comes first: it answers
 * "not there" without loading the native addon (a `get` tries up to seven spellings of a registry),
 * reads unlocked items itself (so `get` and `list` need no addon either), and it explains every empty
 * answer or failure of the library, which cannot tell "not there" from "locked" (a lookup in a locked
 * collection answers null).
 */
import { TsstoreError } from '../../errors.js';
import { CREDENTIALS_NOT_FOUND } from '../../protocol/messages.js';
import type { Backend, StoredLogin } from '../backend.js';
import { KEYRING_SERVICE, decodeLogin, encodeLogin } from './item-format.js';
import { libraryError, notTsstoreItemError } from './messages.js';
import { type KeyringEntry, type KeyringLibrary, PINNED } from './native.js';

export interface CheckContext {
  /** The server whose item was asked for; none for `list`. */
  serverURL?: string;
  /** A store: a keyring with nowhere to write is a problem too. */
  writing: boolean;
}

/** A direct read of an item, without the library (secret-service/reader.ts on Linux). */
export type DirectRead = { kind: 'secret'; text: string } | { kind: 'absent' } | { kind: 'unknown' };
export type DirectList = { kind: 'items'; items: Array<{ account: string; text: string }> } | { kind: 'absent' } | { kind: 'unknown' };

/** A direct delete: done, nothing there at all (locked or not), or only the library can tell. */
export type DirectRemove = 'deleted' | 'absent' | 'unknown';

export interface KeyringGuard {
  /**
   * The password of the item for `serverURL` when it can be read without the library: 'absent' when
   * there is no item at all (locked or not), 'unknown' when only the library can tell.
   */
  read?(serverURL: string): Promise<DirectRead>;
  /** All of tsstore's items (account and password) read the same way, when they can be. */
  readAll?(): Promise<DirectList>;
  /** Stores `password` for `serverURL` without the library when that is plainly possible; false: it was not. */
  write?(serverURL: string, password: string): Promise<boolean>;
  /** Deletes the item of `serverURL` without the library when that is plainly possible. */
  remove?(serverURL: string): Promise<DirectRemove>;
  /** Whether tsstore has any item for `serverURL` (none: any item at all), locked or not. */
  holds(serverURL?: string): Promise<boolean>;
  /**
   * Why the library must not be asked now: the service cannot be reached, or left a call of ours
   * unanswered (the library has no timeout of its own and would hang). Undefined when it may be asked.
   */
  libraryBlocked?(): Promise<TsstoreError | undefined>;
  /**
   * Why the keyring did not answer: a TsstoreError ('locked', 'backend-unavailable') when it is locked
   * or cannot be reached, undefined when nothing is wrong with it (so not-found is the truth).
   */
  explain(context: CheckContext): Promise<TsstoreError | undefined>;
}

export class KeyringBackend implements Backend {
  readonly name = 'keyring' as const;
  private library: Promise<KeyringLibrary> | undefined;

  /** `loadLibrary` is called at most once, and only when an entry must really be read or written. */
  constructor(
    private readonly loadLibrary: () => Promise<KeyringLibrary>,
    private readonly guard?: KeyringGuard,
  ) {}

  /** The library, unless the guard saw the service wedged or unreachable (the library would then hang). */
  private async libraryNow(): Promise<KeyringLibrary> {
    const blocked = await this.guard?.libraryBlocked?.();
    if (blocked) throw blocked;
    this.library ??= this.loadLibrary();
    return this.library;
  }

  private async entry(serverURL: string): Promise<KeyringEntry> {
    const { Entry } = await this.libraryNow();
    return new Entry(KEYRING_SERVICE, serverURL, PINNED);
  }

  /** The error for an empty answer: the keyring's state if that explains it, else not-found. */
  private async missing(context: CheckContext): Promise<TsstoreError> {
    return (await this.guard?.explain(context)) ?? new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
  }

  /** The error for a library failure: the keyring's state if that explains it, else the library's word. */
  private async failed(action: string, error: unknown, context: CheckContext): Promise<TsstoreError> {
    if (error instanceof TsstoreError) return error; // from loading the addon: already says what to do
    return (await this.guard?.explain(context)) ?? libraryError(action, error);
  }

  async add(serverURL: string, login: StoredLogin): Promise<void> {
    const password = encodeLogin(login);
    if ((await this.guard?.write?.(serverURL, password)) === true) return;
    try {
      // One entry per server: a new username replaces the old one together with the secret.
      (await this.entry(serverURL)).setPassword(password);
    } catch (error) {
      throw await this.failed('store the credentials', error, { serverURL, writing: true });
    }
  }

  async get(serverURL: string): Promise<StoredLogin> {
    const context = { serverURL, writing: false };
    const direct = (await this.guard?.read?.(serverURL)) ?? { kind: 'unknown' };
    if (direct.kind === 'secret') return this.decode(serverURL, direct.text);
    if (direct.kind === 'absent') throw await this.missing(context);
    if (this.guard && !(await this.guard.holds(serverURL))) throw await this.missing(context);
    let password: string | null;
    try {
      password = (await this.entry(serverURL)).getPassword();
    } catch (error) {
      throw await this.failed('read the credentials', error, context);
    }
    // null is also the answer of a locked collection: never let that pass as not-found.
    if (password === null) throw await this.missing(context);
    return this.decode(serverURL, password);
  }

  private decode(serverURL: string, password: string): StoredLogin {
    const login = decodeLogin(password);
    if (!login) throw notTsstoreItemError(serverURL);
    return login;
  }

  async delete(serverURL: string): Promise<void> {
    const context = { serverURL, writing: false };
    const direct = (await this.guard?.remove?.(serverURL)) ?? 'unknown';
    if (direct === 'deleted') return;
    if (direct === 'absent') throw await this.missing(context);
    if (this.guard && !(await this.guard.holds(serverURL))) throw await this.missing(context);
    let deleted: boolean;
    try {
      deleted = (await this.entry(serverURL)).deleteCredential();
    } catch (error) {
      throw await this.failed('remove the credentials', error, context);
    }
    if (!deleted) throw await this.missing(context);
  }

  async list(): Promise<Map<string, string>> {
    const context = { writing: false };
    let found: Array<{ account: string; password: string }> = [];
    const direct = (await this.guard?.readAll?.()) ?? { kind: 'unknown' };
    if (direct.kind === 'items') found = direct.items.map(({ account, text }) => ({ account, password: text }));
    else if (direct.kind === 'unknown' && (!this.guard || (await this.guard.holds()))) {
      try {
        found = (await this.libraryNow()).findCredentials(KEYRING_SERVICE);
      } catch (error) {
        throw await this.failed('list the credentials', error, context);
      }
    }
    if (found.length === 0) {
      // An empty answer from a locked keyring is not an empty store.
      const problem = await this.guard?.explain(context);
      if (problem) throw problem;
    }
    const accounts = new Map<string, string>();
    for (const { account, password } of found) {
      const login = decodeLogin(password);
      // An item of the same service that tsstore did not write is skipped, so one stranger never breaks `list`.
      if (login) accounts.set(account, login.username);
    }
    return accounts;
  }
}
