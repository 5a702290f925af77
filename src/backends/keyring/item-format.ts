/**
 * tsstore's items in the OS keyring, defined once: what @napi-rs/keyring writes, and what tsstore's own
 * Secret Service client (secret-service/) writes and searches the same way, so each reads the other's.
 * A login is one item per server URL:
 *   service  = "tsstore"                 (one service name for every login tsstore keeps)
 *   account  = the server URL, exactly as given (on the Secret Service: the attribute "username")
 *   label    = "keyring:<server URL>@tsstore" (the library's label)
 *   secret   = {"tsstore":1,"Username":...,"Secret":...}, UTF-8, content type text/plain
 * So `get` is one exact lookup, a new login for the same server replaces the one item (username and
 * secret together, atomically), `list` is one search of the service, and a server URL is only ever an
 * attribute value: it never becomes a path, a query or part of a command.
 * A backup (doctor's copy of config.json before a rewrite, backup-item.ts) is one item too:
 *   service  = "tsstore-backup"          (never "tsstore": `list` and `get` search that service only)
 *   account  = "<file name>.<time>", e.g. "config.json.2026-12-01T10-00-00-000Z"
 *   path     = the file's full path      (an attribute more, Secret Service only)
 *   label    = doctor's own, secret = the file's text
 */
import type { StoredLogin } from '../backend.js';

export const KEYRING_SERVICE = 'tsstore';
export const BACKUP_SERVICE = 'tsstore-backup';
/** The Secret Service attribute that holds the library's "account". */
export const ACCOUNT_ATTRIBUTE = 'username';
/** What @napi-rs/keyring sets as the secret's content type. */
export const SECRET_CONTENT_TYPE = 'text/plain';
const FORMAT_VERSION = 1;

/** Items of one service: all of them, or the one of an account. */
export interface ItemSearch {
  service: string;
  account?: string;
}

/** One item: the library's service and account, and on the Secret Service its label and every attribute. */
export interface KeyringItem {
  service: string;
  account: string;
  label: string;
  attributes: Record<string, string>;
}

/** The attributes the library writes and searches: service, and the account as "username". */
export function searchAttributes(search: ItemSearch): Record<string, string> {
  return search.account === undefined ? { service: search.service } : { service: search.service, [ACCOUNT_ATTRIBUTE]: search.account };
}

/** The account of an item, from its Secret Service attributes; undefined when it has none. */
export function accountOf(attributes: ReadonlyArray<readonly [string, string]>): string | undefined {
  return attributes.find(([name]) => name === ACCOUNT_ATTRIBUTE)?.[1];
}

/** The item of the login for `serverURL`. */
export function loginItem(serverURL: string): KeyringItem {
  const search = { service: KEYRING_SERVICE, account: serverURL };
  // The label as @napi-rs/keyring writes it ("keyring:<account>@<service>").
  return { ...search, label: `keyring:${serverURL}@${KEYRING_SERVICE}`, attributes: searchAttributes(search) };
}

/** The item of a backup of the file at `path`. */
export function backupItem(backup: { account: string; path: string; label: string }): KeyringItem {
  const search = { service: BACKUP_SERVICE, account: backup.account };
  return { ...search, label: backup.label, attributes: { ...searchAttributes(search), path: backup.path } };
}

export function encodeLogin(login: StoredLogin): string {
  return JSON.stringify({ tsstore: FORMAT_VERSION, Username: login.username, Secret: login.secret });
}

/** The login in an item's secret, or undefined when the item was not written by tsstore. */
export function decodeLogin(password: string): StoredLogin | undefined {
  let value: unknown;
  try {
    value = JSON.parse(password);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (record.tsstore !== FORMAT_VERSION) return undefined;
  if (typeof record.Username !== 'string' || typeof record.Secret !== 'string') return undefined;
  return { username: record.Username, secret: record.Secret };
}
