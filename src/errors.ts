/**
 * The one error type of tsstore. `code` is stable (tests, `doctor --json` and scripts match on it);
 * `message` is one line for a person and never contains a secret.
 */
export type ErrorCode =
  | 'usage' // wrong arguments or unknown verb
  | 'bad-input' // stdin that is not what the protocol expects
  | 'missing-server-url'
  | 'missing-username'
  | 'not-found'
  | 'locked' // a passphrase-protected key or a locked keyring
  | 'store-corrupt' // a file in the store that is not what we wrote
  | 'unsafe-permissions'
  | 'config' // tsstore's own settings, or Docker's config.json, cannot be used
  | 'backend-unavailable'
  | 'helper' // another credential helper failed or answered something unusable
  | 'conflict' // tsstore already holds another login for the registry
  | 'io'; // the file system refused (read-only, full, permissions)

export class TsstoreError extends Error {
  override readonly name = 'TsstoreError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isTsstoreError(error: unknown, code?: ErrorCode): error is TsstoreError {
  return error instanceof TsstoreError && (code === undefined || error.code === code);
}

/**
 * A one-line description of any thrown value, for the last line of defence. A JSON parser's message
 * quotes the text it was given, which may be a helper's answer or a file holding a secret: never shown.
 */
export function describeError(error: unknown): string {
  if (error instanceof SyntaxError) return 'something that is not valid JSON was read (not shown: it may hold a secret)';
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/** Turns a Node.js file-system error into a one-line TsstoreError that names the path and what to do. */
export function fileSystemError(action: string, path: string, error: unknown): TsstoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a parent is not a folder',
    EISDIR: 'it is a folder',
    ENAMETOOLONG: 'the path is too long',
    ELOOP: 'too many symbolic links',
    ENOENT: 'no such file',
  };
  const reason = (code && reasons[code]) ?? describeError(error);
  return new TsstoreError('io', `cannot ${action} ${path}: ${reason}`, { cause: error });
}
