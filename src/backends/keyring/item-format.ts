/**
 * How a login maps onto a keyring entry. One entry per server URL:
 *   service  = "tsstore"                      (one service name for every item tsstore owns)
 *   account  = the server URL, exactly as given (the Secret Service attribute "username")
 *   password = {"tsstore":1,"Username":...,"Secret":...}
 * So `get` is one exact lookup, a new login for the same server replaces the one entry (username and
 * secret together, atomically), `list` is one search of the service, and a server URL is only ever an
 * attribute value: it never becomes a path, a query or part of a command.
 */
import type { StoredLogin } from '../backend.js';

export const KEYRING_SERVICE = 'tsstore';
const FORMAT_VERSION = 1;

/** The item's label as @napi-rs/keyring writes it ("keyring:<account>@<service>"). */
export function entryLabel(serverURL: string): string {
  return `keyring:${serverURL}@${KEYRING_SERVICE}`;
}

export function encodeLogin(login: StoredLogin): string {
  return JSON.stringify({ tsstore: FORMAT_VERSION, Username: login.username, Secret: login.secret });
}

/** The login in an entry's password, or undefined when the entry was not written by tsstore. */
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
