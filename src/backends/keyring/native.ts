/**
 * Loads @napi-rs/keyring, the native addon, only when the keyring backend needs it. In the single file
 * the addon is copied into a private folder in $TMPDIR for the load and removed right after
 * (addon-copy.ts): when that fails, say so instead of napi-rs's misleading advice about npm.
 */
import { randomHex } from '../../runtime/lazy-crypto.js';
import { joinPath } from '../../fs/join-path.js';
import { nodeFs, nodeOs } from '../../fs/node-modules.js';
import { TsstoreError } from '../../errors.js';
import { libraryLoadError, temporaryFolderError, writeProblem } from './messages.js';

export interface KeyringEntry {
  setPassword(password: string): void;
  getPassword(): string | null;
  deleteCredential(): boolean;
}

export interface EntryOptions {
  linux?: { store?: 'secret-service' | 'keyutils' };
}

/** The part of @napi-rs/keyring that tsstore uses (tests pass a fake). */
export interface KeyringLibrary {
  Entry: new (service: string, account: string, options?: EntryOptions) => KeyringEntry;
  findCredentials(service: string): Array<{ account: string; password: string }>;
}

/**
 * On Linux every entry is pinned to the Secret Service: without the pin, the library silently falls
 * back to the kernel keyutils keyring when D-Bus is missing, and that keyring forgets everything at
 * reboot. Other platforms ignore the option (Keychain on macOS, Credential Manager on Windows).
 */
export const PINNED: EntryOptions = { linux: { store: 'secret-service' } };

let loaded: KeyringLibrary | undefined;

export async function loadKeyringLibrary(): Promise<KeyringLibrary> {
  if (loaded) return loaded;
  try {
    const importLibrary = () => import('@napi-rs/keyring') as unknown as Promise<KeyringLibrary & { default?: KeyringLibrary }>;
    // Loaded here, not with this module: it needs node:fs and node:path, which `get` over D-Bus does not.
    const { loadFromPrivateCopy } = await import('./addon-copy.js');
    const module = await loadFromPrivateCopy(importLibrary, nodeOs().tmpdir(), temporaryFolderProblem);
    const library = typeof module.Entry === 'function' ? module : module.default;
    // Reported below as a library that cannot be loaded, with what to do.
    if (library === undefined) throw new Error('@napi-rs/keyring exports no Entry');
    loaded = library;
    return library;
  } catch (error) {
    // The private copy's own failure already says what is wrong with TMPDIR.
    throw error instanceof TsstoreError ? error : explainLoadFailure(error);
  }
}

export function explainLoadFailure(error: unknown, folder = nodeOs().tmpdir(), singleFile = process.versions.bun !== undefined): TsstoreError {
  // Only the bun-built single file unpacks the addon; under Node.js it loads from node_modules.
  const reason = singleFile ? temporaryFolderProblem(folder) : undefined;
  if (reason) return temporaryFolderError(folder, reason);
  return libraryLoadError(`${process.platform}-${process.arch}`, error);
}

/** Why `folder` cannot take the unpacked addon, or undefined when it can. */
export function temporaryFolderProblem(folder: string): string | undefined {
  try {
    if (!nodeFs().statSync(folder).isDirectory()) return 'it is not a folder';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'it does not exist';
    if (code === 'ENOTDIR') return 'it is not a folder';
    return `it cannot be used (${code ?? 'unknown error'})`;
  }
  // Try it for real, as bun will: access(2) says yes to root on folders where creating a file fails.
  const probe = joinPath(folder, `.tsstore-probe-${process.pid}-${randomHex(4)}`);
  try {
    const fs = nodeFs();
    fs.closeSync(fs.openSync(probe, 'wx', 0o600));
  } catch (error) {
    return writeProblem(error);
  }
  try {
    nodeFs().unlinkSync(probe);
  } catch {
    // created and not removable: a very odd folder, but one that can be written to
  }
  return undefined;
}
