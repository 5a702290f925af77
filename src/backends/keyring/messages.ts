/**
 * What the keyring backend says when the keyring library cannot do its job, or an item is not
 * tsstore's: one line each, saying what is wrong and what to do. Pure; never a secret in them. The
 * Secret Service's states have their own (secret-service/messages.ts).
 */
import { TsstoreError } from '../../errors.js';

export function notTsstoreItemError(serverURL: string): TsstoreError {
  return new TsstoreError(
    'store-corrupt',
    `the keyring item for ${serverURL} (service "tsstore") was not written by tsstore; remove it (Passwords and Keys / seahorse, or secret-tool clear) and log in again`,
  );
}

/** An error of the keyring library that no check explained; its first line, which holds no secret. */
export function libraryError(action: string, error: unknown): TsstoreError {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0]?.trim() || 'unknown error';
  if (/ambiguous|matched by \d+|more than one/i.test(line)) {
    return new TsstoreError(
      'store-corrupt',
      `the keyring holds more than one item for this server (service "tsstore"); remove them (Passwords and Keys / seahorse, or secret-tool clear) and log in again`,
      { cause: error },
    );
  }
  return new TsstoreError('backend-unavailable', `the keyring refused to ${action}: ${line}`, { cause: error });
}

/** What a failed write in a folder says about the folder, for a person (the unpack probe and the copy alike). */
export function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = { EROFS: 'it is on a read-only file system', ENOSPC: 'the disk is full', EDQUOT: 'the disk quota is exhausted' };
  return (code && reasons[code]) ?? `it is not writable (${code ?? 'unknown error'})`;
}

export function temporaryFolderError(folder: string, reason: string): TsstoreError {
  return new TsstoreError(
    'backend-unavailable',
    `cannot load the keyring library: this single-file build unpacks it into the temporary folder ${folder} (TMPDIR), and ${reason}; set TMPDIR to a folder you can write to, or use the pgp backend (TSSTORE_BACKEND=pgp)`,
  );
}

export function libraryLoadError(platform: string, error: unknown): TsstoreError {
  const first = firstCause(error);
  return new TsstoreError(
    'backend-unavailable',
    `cannot load the keyring library (@napi-rs/keyring) on ${platform}: ${first}; use the pgp backend instead (TSSTORE_BACKEND=pgp)`,
    { cause: error },
  );
}

/**
 * napi-rs wraps the real reason in a misleading 'npm has a bug' message, with every place it tried as a
 * chain of causes: the first that is not a plain "cannot find module" is the one that says what broke.
 */
export function firstCause(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 20 && current !== undefined && current !== null; depth++) {
    const text = current instanceof Error ? current.message : typeof current === 'string' ? current : 'a failure that is not an Error';
    lines.push(text.split('\n')[0]?.trim() || 'unknown error');
    current = current instanceof Error ? current.cause : undefined;
  }
  const causes = lines.slice(1);
  return causes.find((line) => !/^Cannot find module/i.test(line)) ?? causes.at(-1) ?? lines[0] ?? 'unknown error';
}
