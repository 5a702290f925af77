/**
 * What every credential store offers. The protocol layer only ever sees this interface.
 * Server URLs are keys exactly as given; matching aliases is the caller's concern.
 */
export interface StoredLogin {
  username: string;
  secret: string;
}

export interface Backend {
  readonly name: BackendName;
  /** Adds or replaces the login for `serverURL` (a new username replaces the old one). */
  add(serverURL: string, login: StoredLogin): Promise<void>;
  /** Throws TsstoreError 'not-found' when nothing is stored under exactly this key. */
  get(serverURL: string): Promise<StoredLogin>;
  /** Like get, but undefined instead of the not-found error: a `get` may try a dozen spellings that miss. */
  find?(serverURL: string): Promise<StoredLogin | undefined>;
  /** Throws TsstoreError 'not-found' when nothing is stored under exactly this key. */
  delete(serverURL: string): Promise<void>;
  /** Server URL -> username, without reading any secret. */
  list(): Promise<Map<string, string>>;
  /** The `list` verb's stdout (formatList of list()), when this backend can give it without building the map. */
  listAnswer?(): Promise<string>;
}

const BACKEND_NAMES = ['pgp', 'keyring'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: unknown): value is BackendName {
  return (BACKEND_NAMES as readonly unknown[]).includes(value);
}
