/**
 * The OpenPGP store: one armored message per server URL, encrypted to the store's own key and to any
 * extra recipients. `get` reads one file, `list` reads only armor headers (or its cache, list-cache.ts),
 * writes are atomic renames.
 */
import { fileCalls } from '../../fs/file-calls.js';
import { joinPath } from '../../fs/join-path.js';
import { nodeFs } from '../../fs/node-modules.js';
import { TsstoreError, fileSystemError, isTsstoreError } from '../../errors.js';
import { readExistingRegularText } from '../../fs/read-regular-file.js';
import { createFileExclusive, ensurePrivateDir, removeStaleTemporaryFiles, writeFileAtomic } from '../../fs/private-files.js';
import { formatList } from '../../protocol/codec.js';
import { CREDENTIALS_NOT_FOUND } from '../../protocol/messages.js';
import type { Backend, StoredLogin } from '../backend.js';
import type { StoreKeySource } from './key-source.js';
import type { ArmoredRecipient } from './openpgp-crypto.js';
import { type CredentialLabel, type PgpLayout, credentialFileName, formatLabel, isCredentialFileName, parseLabel, pgpLayout } from './layout.js';
import { type FolderStamp, LIST_CACHE_FILE, folderStamp, formatListCache, mayCache, readListCache, readListCacheAnswer, settledBy } from './list-cache.js';
import { readStoreKeyText, storeKeyExists } from './store-key-file.js';

/** Enough for the longest label we write (the codec caps server URLs and usernames). */
const HEADER_READ_BYTES = 32 * 1024;
/** One buffer for every header `list` reads: 10,000 files need not mean 10,000 allocations. Made on
 * first use: `get` and a cached `list` read no header. */
let headerBuffer: Uint8Array | undefined;
const headerDecoder = new TextDecoder();
/**
 * Caps of the files read whole. A credential is at most the codec's 1 MiB of input, armored (base64: 4/3)
 * with a packet per recipient: 4 MiB holds it with room. The list cache names each credential twice (the
 * codec caps a server URL and a username at 1,024 characters each): 16 MiB is 4,000 logins of the longest
 * names, hundreds of thousands of usual ones, and a larger cache is only scanned instead.
 * A recipient's public key from a keyserver can carry thousands of signatures: 8 MiB.
 */
const MAX_CREDENTIAL_FILE_BYTES = 4 * 1024 * 1024;
const MAX_LIST_CACHE_BYTES = 16 * 1024 * 1024;
export const MAX_RECIPIENT_KEY_BYTES = 8 * 1024 * 1024;

export class PgpBackend implements Backend {
  readonly name = 'pgp' as const;
  readonly layout: PgpLayout;
  /** Whether `list` may write its cache (doctor's looks write nothing, so no). */
  writesListCache = true;

  /** `keySource` decrypts what the fast path cannot: it alone knows agents, passphrases and terminals. */
  constructor(
    root: string,
    private readonly keySource: StoreKeySource,
  ) {
    this.layout = pgpLayout(root);
  }

  hasKey(): boolean {
    return storeKeyExists(this.layout.privateKeyFile);
  }

  /**
   * Makes the folders and, when there is none, the store key. Safe when several helpers race on first
   * use: the key is linked into place exclusively, so exactly one key wins and every process uses it.
   * Returns the new key's fingerprint when this call created it. A new key is protected by
   * `passphrase` when one is given.
   */
  async initialize(userID = 'tsstore', passphrase = ''): Promise<string | undefined> {
    for (const dir of [this.layout.root, this.layout.credentialsDir, this.layout.recipientsDir, this.layout.temporaryDir]) {
      ensurePrivateDir(dir);
    }
    if (this.hasKey()) return undefined;
    const { generateStoreKey } = await import('./openpgp-crypto.js');
    const key = await generateStoreKey(userID, passphrase);
    // The temporary copy goes to tmp/, where a killed first use's leftover is swept like any other.
    return createFileExclusive(this.layout.privateKeyFile, key.armoredPrivateKey, { temporaryDir: this.layout.temporaryDir }) ? key.fingerprint : undefined;
  }

  /** Encrypts to the store key and every extra recipient, as an armored message with `comment` in its armor. */
  async encrypt(plaintext: string, comment: string): Promise<string> {
    const keyText = this.readPrivateKeyText();
    const extraRecipients = this.readExtraRecipients();
    if (extraRecipients.length === 0) {
      // The common case, our own key alone, needs no openpgp.js (about half of a `store` under bun).
      const { fastEncrypt } = await import('./fast-encrypt.js');
      const armored = fastEncrypt(plaintext, keyText, comment);
      if (armored !== undefined) return armored;
    }
    const crypto = await import('./openpgp-crypto.js');
    const storeKey = await crypto.readStorePublicPart(keyText, this.layout.privateKeyFile);
    return crypto.encryptToRecipients(plaintext, [storeKey, ...extraRecipients], comment);
  }

  async add(serverURL: string, login: StoredLogin): Promise<void> {
    const payload = JSON.stringify({ ServerURL: serverURL, Username: login.username, Secret: login.secret });
    const armored = await this.encrypt(payload, formatLabel({ serverURL, username: login.username }));
    this.removeStaleTemporaryFiles();
    ensurePrivateDir(this.layout.credentialsDir);
    ensurePrivateDir(this.layout.temporaryDir);
    writeFileAtomic(this.credentialPath(serverURL), armored, { temporaryDir: this.layout.temporaryDir });
  }

  async get(serverURL: string): Promise<StoredLogin> {
    const login = await this.find(serverURL);
    if (!login) throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
    return login;
  }

  async find(serverURL: string): Promise<StoredLogin | undefined> {
    const path = this.credentialPath(serverURL);
    let armored: string;
    try {
      // A miss answers undefined without an exception; any other error (EACCES, ENOTDIR) still throws.
      if (fileCalls().stat(path) === undefined) return undefined;
      armored = fileCalls().readText(path, MAX_CREDENTIAL_FILE_BYTES);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // erased since the stat
      throw isTsstoreError(error) ? error : fileSystemError('read', path, error);
    }
    // The common case, our own message to an unprotected key, needs neither openpgp.js nor the agent.
    const { fastDecrypt } = await import('./fast-decrypt.js');
    let plaintext = fastDecrypt(armored, this.readPrivateKeyText());
    if (plaintext === undefined) {
      // The key source loads the agent client, the terminal and openpgp only now: list and erase never do.
      plaintext = await this.keySource.decrypt(this.layout, { armored, source: path, purpose: `login for ${serverURL.slice(0, 80)}` });
    }
    const payload = parsePayload(plaintext, path);
    // The file name is derived from the URL; a payload for another URL means the file was moved or swapped.
    if (payload.ServerURL !== serverURL) {
      throw new TsstoreError('store-corrupt', `${path} holds the credential of another server; remove it`);
    }
    return { username: payload.Username, secret: payload.Secret };
  }

  async delete(serverURL: string): Promise<void> {
    const path = this.credentialPath(serverURL);
    try {
      nodeFs().unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
      throw fileSystemError('remove', path, error);
    }
    this.removeStaleTemporaryFiles();
  }

  async list(): Promise<Map<string, string>> {
    const folder = this.credentialsFolderStamp();
    if (folder === undefined) return new Map();
    return this.readCache(folder, readListCache) ?? this.scan(folder).accounts;
  }

  /** The `list` verb's stdout, written as the cache holds it when the cache is current (list-cache.ts). */
  async listAnswer(): Promise<string> {
    const folder = this.credentialsFolderStamp();
    if (folder === undefined) return formatList(new Map());
    const cached = this.readCache(folder, readListCacheAnswer);
    if (cached !== undefined) return cached;
    const scanned = this.scan(folder);
    return scanned.answer ?? formatList(scanned.accounts);
  }

  /** Reads every armor header; writes the cache when the folder allows it (`answer` is then its stdout). */
  private scan(folder: FolderStamp): { accounts: Map<string, string>; answer?: string } {
    const started = Date.now();
    const labels: CredentialLabel[] = [];
    for (const name of this.credentialFileNames()) {
      const label = readLabel(joinPath(this.layout.credentialsDir, name));
      // A file we cannot label (foreign, or gone since readdir) is not a credential of ours: skip it, so one
      // bad neighbour never breaks `list` for every registry.
      if (label && credentialFileName(label.serverURL) === name) labels.push(label);
    }
    const after = this.credentialsFolderStamp();
    const accounts = new Map(labels.map((label) => [label.serverURL, label.username]));
    if (!this.writesListCache || !after || !mayCache(folder, after, started)) return { accounts };
    const answer = formatList(accounts);
    this.writeListCache(after, labels, answer);
    return { accounts, answer };
  }

  /** The credentials folder's identity and change times; undefined when there is no folder yet. */
  private credentialsFolderStamp(): FolderStamp | undefined {
    let stat;
    try {
      stat = fileCalls().stat(this.layout.credentialsDir);
    } catch (error) {
      throw fileSystemError('read the folder', this.layout.credentialsDir, error);
    }
    return stat && folderStamp(stat);
  }

  private readCache<T>(folder: FolderStamp, read: (text: string, current: FolderStamp) => T | undefined): T | undefined {
    try {
      return read(fileCalls().readText(joinPath(this.layout.root, LIST_CACHE_FILE), MAX_LIST_CACHE_BYTES), folder);
    } catch {
      return undefined; // missing, unreadable, not a regular file, too large: scanned instead
    }
  }

  /** Best effort: a read-only or full disk must never make `list` fail. */
  private writeListCache(folder: FolderStamp, labels: readonly CredentialLabel[], answer: string): void {
    try {
      writeFileAtomic(joinPath(this.layout.root, LIST_CACHE_FILE), formatListCache(folder, labels, answer), {
        temporaryDir: this.layout.temporaryDir,
        accept: (written) => settledBy(folder, nodeFs().statSync(written).mtimeMs),
      });
    } catch {
      // the next list scans again
    }
  }

  credentialPath(serverURL: string): string {
    return joinPath(this.layout.credentialsDir, credentialFileName(serverURL));
  }

  credentialFileNames(): string[] {
    try {
      return nodeFs().readdirSync(this.layout.credentialsDir).filter(isCredentialFileName);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fileSystemError('read the folder', this.layout.credentialsDir, error);
    }
  }

  /** Reads the private key, refusing it (as ssh does) when group or others could read it too. */
  readPrivateKeyText(): string {
    return readStoreKeyText(this.layout.privateKeyFile);
  }

  readExtraRecipients(): ArmoredRecipient[] {
    let names: string[];
    try {
      names = nodeFs().readdirSync(this.layout.recipientsDir).filter((name) => name.endsWith('.asc') && !name.startsWith('.'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fileSystemError('read the folder', this.layout.recipientsDir, error);
    }
    return names.sort().map((name) => {
      const source = joinPath(this.layout.recipientsDir, name);
      return { armored: readExistingRegularText(source, { maxBytes: MAX_RECIPIENT_KEY_BYTES }), source };
    });
  }

  /** Temporary files of processes that were killed mid-write: invisible to list, removed here. */
  removeStaleTemporaryFiles(now = Date.now()): void {
    removeStaleTemporaryFiles(this.layout.temporaryDir, '', now);
  }
}


function readLabel(path: string): ReturnType<typeof parseLabel> {
  const files = fileCalls();
  let fd: number;
  try {
    fd = files.openToRead(path);
  } catch {
    return undefined;
  }
  try {
    headerBuffer ??= new Uint8Array(HEADER_READ_BYTES);
    const count = files.read(fd, headerBuffer, 0, headerBuffer.length);
    return parseLabel(headerDecoder.decode(headerBuffer.subarray(0, count)));
  } catch {
    return undefined;
  } finally {
    files.close(fd);
  }
}

interface Payload {
  ServerURL: string;
  Username: string;
  Secret: string;
}

function parsePayload(text: string, path: string): Payload {
  try {
    const value = JSON.parse(text) as Partial<Payload>;
    if (typeof value.ServerURL === 'string' && typeof value.Username === 'string' && typeof value.Secret === 'string') {
      return value as Payload;
    }
  } catch {
    // reported below
  }
  throw new TsstoreError('store-corrupt', `${path} decrypts to something that is not a tsstore credential`);
}
