/**
 * The helper protocol's wire format, as pure functions: bytes in, values out, and back.
 * Output matches docker-credential-helpers byte for byte (Go's encoding/json: HTML-safe escapes, sorted keys).
 */
import { TsstoreError } from '../errors.js';
import { findJsonError, positionOf } from '../json/position.js';
import { MISSING_SERVER_URL, MISSING_USERNAME } from './messages.js';

export interface Credentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

/** Most any helper is ever sent is a few KiB; 1 MiB leaves room for huge tokens and refuses floods. */
export const MAX_INPUT_BYTES = 1024 * 1024;
/** Longer server URLs or usernames are not real ones; refusing them keeps armor headers, file names and lists sane. */
const MAX_SERVER_URL_LENGTH = 1024;
const MAX_USERNAME_LENGTH = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeInput(bytes: Uint8Array): string {
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new TsstoreError('bad-input', `input is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
  }
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new TsstoreError('bad-input', 'input is not valid UTF-8', { cause });
  }
}

/**
 * Go's unicode.IsSpace, the characters strings.TrimSpace removes. Compared, not matched by a regular
 * expression: the first one a process runs costs the single file 0.35-0.6 ms (src/fs/join-path.ts).
 */
export function isGoSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Go's strings.TrimSpace: what the reference helpers do to the server URL given to get and erase. Scanned
 * from both ends rather than with a `[space]+$` regex, which backtracks over every run of spaces inside the
 * text: 80,000 U+2028 in a secret took 7 s to parse that way (quadratic), a stdin of a few MiB hours.
 */
export function trimSpaceLikeGo(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * Whether `value` holds a C0 control, DEL or a C1 control: never part of a real server URL or username,
 * and they would make list output, file names and error messages ambiguous. A loop (see isGoSpace).
 */
export function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

export function checkServerURL(serverURL: string): string {
  if (serverURL === '') throw new TsstoreError('missing-server-url', MISSING_SERVER_URL);
  checkName('server URL', serverURL, MAX_SERVER_URL_LENGTH);
  return serverURL;
}

export function checkUsername(username: string): string {
  if (username === '') throw new TsstoreError('missing-username', MISSING_USERNAME);
  checkName('username', username, MAX_USERNAME_LENGTH);
  return username;
}

function checkName(what: string, value: string, maxLength: number): void {
  if (value.length > maxLength) {
    throw new TsstoreError('bad-input', `${what} is longer than ${maxLength} characters`);
  }
  if (hasControlCharacter(value)) {
    throw new TsstoreError('bad-input', `${what} contains a control character`);
  }
  if (!value.isWellFormed()) {
    throw new TsstoreError('bad-input', `${what} contains an unpaired UTF-16 surrogate`);
  }
}

/** stdin of `get` and `erase`: the server URL, white space trimmed as the reference does. */
export function parseServerURLInput(input: string): string {
  return checkServerURL(trimSpaceLikeGo(input));
}

/** stdin of `store`: one JSON object with string ServerURL, Username and Secret. */
export function parseCredentialsInput(input: string): Credentials {
  if (trimSpaceLikeGo(input) === '') {
    throw new TsstoreError('bad-input', 'expected credentials as JSON on stdin, got nothing');
  }
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (cause) {
    throw new TsstoreError('bad-input', `credentials on stdin are not valid JSON (${jsonReason(input)})`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TsstoreError('bad-input', 'credentials on stdin must be a JSON object with ServerURL, Username and Secret');
  }
  const record = fieldsLikeGo(value as Record<string, unknown>);
  const serverURL = optionalString(record, 'ServerURL');
  const username = optionalString(record, 'Username');
  const secret = optionalString(record, 'Secret');
  checkStorableLogin(serverURL ?? '', username ?? '');
  // The reference stores a missing Secret as ""; a login without a secret is a caller's bug, so say so.
  if (secret === undefined) throw new TsstoreError('bad-input', 'no credentials secret');
  return { ServerURL: serverURL as string, Username: username as string, Secret: secret };
}

/**
 * What `store` accepts as a key and a username, for every way a login gets into tsstore (store, migrate,
 * doctor --fix): a key `get` can read back and `list` shows, a username that is one plain line.
 */
export function checkStorableLogin(serverURL: string, username: string): void {
  checkServerURL(serverURL);
  // get and erase trim their input, so a key with white space at either end could never be read back.
  if (serverURL !== trimSpaceLikeGo(serverURL)) {
    throw new TsstoreError('bad-input', 'server URL has white space at the start or end');
  }
  checkUsername(username);
}

const FIELDS = ['ServerURL', 'Username', 'Secret'] as const;

/** Go's encoding/json matches field names without regard to case, preferring an exact match. */
function fieldsLikeGo(record: Record<string, unknown>): Partial<Record<keyof Credentials, unknown>> {
  const fields: Partial<Record<keyof Credentials, unknown>> = {};
  for (const field of FIELDS) {
    if (Object.hasOwn(record, field)) {
      fields[field] = record[field];
      continue;
    }
    const key = Object.keys(record).findLast((candidate) => candidate.toLowerCase() === field.toLowerCase());
    if (key !== undefined) fields[field] = record[key];
  }
  return fields;
}

function optionalString(record: Partial<Record<keyof Credentials, unknown>>, key: keyof Credentials): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new TsstoreError('bad-input', `credentials field ${key} must be a string, not ${jsonType(value)}`);
  }
  return value;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/** Where the JSON goes wrong, never what is there: the input holds the secret. */
function jsonReason(input: string): string {
  const offset = findJsonError(input) ?? input.length;
  if (offset >= input.length) return 'it ends too early';
  const { line, column } = positionOf(input, offset);
  return `unexpected character at line ${line}, column ${column}`;
}

/**
 * Go's json.Encoder escapes these for HTML safety; the reference helpers' output has them escaped. Looked
 * for first with includes (a `get` answer seldom has one), so the regular expression runs only then.
 */
function escapeLikeGo(json: string): string {
  if (!json.includes('<') && !json.includes('>') && !json.includes('&') && !json.includes('\u2028') && !json.includes('\u2029')) return json;
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** stdout of `get`: the credentials and a newline, fields in the reference's order. */
export function formatCredentials(credentials: Credentials): string {
  const ordered = { ServerURL: credentials.ServerURL, Username: credentials.Username, Secret: credentials.Secret };
  return `${escapeLikeGo(JSON.stringify(ordered))}\n`;
}

/** stdout of `list`: server URL -> username, keys sorted by their UTF-8 bytes as Go sorts map keys. */
export function formatList(accounts: ReadonlyMap<string, string>): string {
  // Built by hand: a JS object would move integer-like keys first and treat "__proto__" specially.
  const keys = sortLikeGo([...accounts.keys()]);
  // Loops, not map/some: each array builtin's first use costs the single file ~0.1 M instructions.
  let members = '';
  for (const key of keys) members += `${members === '' ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(accounts.get(key))}`;
  return `${escapeLikeGo(`{${members}}`)}\n`;
}

/** Sorts in place by UTF-8 bytes. Plain string order (UTF-16 units) agrees until a surrogate or U+E000.. appears. */
export function sortLikeGo(keys: string[]): string[] {
  // sort() with no comparator is that same UTF-16 order, sorted natively: a JavaScript comparator is called
  // about 10,000 times for 1,000 keys, in the single file's interpreter. A cached `list` of 1,000: 24.8 M
  // -> 20.5 M instructions (valgrind), same output.
  for (const key of keys) if (/[\ud800-\uffff]/.test(key)) return keys.sort(compareUtf8);
  return keys.sort();
}

/**
 * Compares as Go compares strings (by UTF-8 bytes, which is code point order) without encoding them:
 * UTF-16 units differ from code points only in that surrogates (U+D800..U+DFFF, for code points above
 * U+FFFF) must sort after U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}
