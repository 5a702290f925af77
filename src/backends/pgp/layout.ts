/**
 * How the pgp store lays out its folder, as pure functions.
 *
 *   pgp/private-key.asc            the store's own key (armored, 0600)
 *   pgp/recipients/<fpr>.asc       public keys every credential is encrypted to (the store's own first)
 *   pgp/credentials/<name>.asc     one armored OpenPGP message per server URL
 *   pgp/tmp/                       temporary files, renamed into credentials/ when complete
 *   pgp/list-cache.json            what `list` found, while credentials/ has not changed (list-cache.ts)
 *
 * A credential file's armor carries one `Comment:` header with the server URL and username, so `list`
 * reads no secret and decrypts nothing; the encrypted payload repeats them with the secret.
 */
import { sha256Hex } from '../../runtime/lazy-crypto.js';
import { joinPath } from '../../fs/join-path.js';

export interface PgpLayout {
  root: string;
  privateKeyFile: string;
  recipientsDir: string;
  credentialsDir: string;
  temporaryDir: string;
}

const CREDENTIAL_EXTENSION = '.asc';

export function pgpLayout(root: string): PgpLayout {
  return {
    root,
    privateKeyFile: joinPath(root, 'private-key.asc'),
    recipientsDir: joinPath(root, 'recipients'),
    credentialsDir: joinPath(root, 'credentials'),
    temporaryDir: joinPath(root, 'tmp'),
  };
}

// Names stay readable and portable: lowercase letters, digits, '-' and '_' as they are; every other
// byte of the UTF-8 form as %XX (uppercase hex). Uppercase letters are escaped too, so that names stay
// distinct on case-insensitive file systems, and '.' is escaped so no name is '.', '..' or hidden.
// Far below NAME_MAX (255 bytes) so the extension and temporary-name prefixes always fit.
const MAX_READABLE_LENGTH = 160;

const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();

/** %XX for one byte. Computed per escaped byte, not from a 256-entry table built at load: building
 * that table ran in the single file's interpreter on every start, 1.0 M instructions of a `get` miss's
 * 8.8 M (valgrind), whether or not anything was escaped. */
function escapeByte(byte: number): string {
  return `%${HEX[byte >> 4] as string}${HEX[byte & 15] as string}`;
}

/** Written as itself in a name: a-z, 0-9, '_' and '-'. */
function isPlain(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d;
}

export function encodeName(text: string): string {
  // A loop over the UTF-16 units that copies runs of plain characters whole, not a regular expression:
  // the first one a process runs costs the single file 0.35-0.6 ms (src/fs/join-path.ts), and this was
  // the last on a `get` miss's path. (A loop over the UTF-8 bytes allocated an iterator result and a
  // string per byte: 0.3 M instructions more than the replace it was, for the 6-17 spellings a `get` tries.)
  // A non-ASCII code point is escaped whole; a lone surrogate becomes EF BF BD, as TextEncoder makes it.
  let out = '';
  let plainFrom = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (isPlain(code)) continue;
    out += text.slice(plainFrom, index);
    if (code < 0x80) out += escapeByte(code);
    else {
      const pair = code >= 0xd800 && code <= 0xdbff && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
      for (const byte of utf8.encode(text.slice(index, pair ? index + 2 : index + 1))) out += escapeByte(byte);
      if (pair) index++;
    }
    plainFrom = index + 1;
  }
  return plainFrom === 0 ? text : out + text.slice(plainFrom);
}

/**
 * The file name for a server URL. Injective: long names become a readable prefix plus '~' and the
 * SHA-256 of the whole URL ('~' never appears in a plain encoding, so the two kinds cannot collide).
 */
export function credentialFileName(serverURL: string): string {
  const encoded = encodeName(serverURL);
  if (encoded.length <= MAX_READABLE_LENGTH) return `${encoded}${CREDENTIAL_EXTENSION}`;
  const digest = sha256Hex(serverURL);
  const prefix = encoded.slice(0, 64).replace(/%[0-9A-F]?$/, '');
  return `${prefix}~${digest}${CREDENTIAL_EXTENSION}`;
}

/** Temporary and foreign files are not credentials: list skips them. */
export function isCredentialFileName(name: string): boolean {
  return name.endsWith(CREDENTIAL_EXTENSION) && !name.startsWith('.');
}

export interface CredentialLabel {
  serverURL: string;
  username: string;
}

const COMMENT_PREFIX = 'tsstore ';

/**
 * The armor `Comment:` value: JSON with every non-ASCII character escaped, so it is one ASCII line
 * that GnuPG and openpgp.js accept, whatever the URL or username hold.
 */
export function formatLabel(label: CredentialLabel): string {
  const json = JSON.stringify({ ServerURL: label.serverURL, Username: label.username });
  return COMMENT_PREFIX + json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Finds our Comment header in an armored message; undefined when the file is not one of ours. */
export function parseLabel(armored: string): CredentialLabel | undefined {
  const headerEnd = armored.indexOf('\n\n') === -1 ? armored.indexOf('\r\n\r\n') : armored.indexOf('\n\n');
  const head = headerEnd === -1 ? armored : armored.slice(0, headerEnd);
  for (const rawLine of head.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (!line.startsWith(`Comment: ${COMMENT_PREFIX}`)) continue;
    try {
      const value = JSON.parse(line.slice('Comment: '.length + COMMENT_PREFIX.length)) as Record<string, unknown>;
      if (typeof value.ServerURL === 'string' && typeof value.Username === 'string') {
        return { serverURL: value.ServerURL, username: value.Username };
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
