/**
 * Talks to another credential helper through its own protocol, like docker-credential-helpers' client
 * package: `list` and `get`, answers checked, and every failure worded by us. This is the one place
 * where a helper's output becomes a message, so nothing it printed (a secret in a broken JSON answer)
 * is ever repeated: only its protocol error line, capped, is quoted.
 */
import { TsstoreError } from '../errors.js';
import { CREDENTIALS_NOT_FOUND } from '../protocol/messages.js';
import { HELPER_TIMEOUT_MS, type HelperOutput, type HelperVerb, TIMED_OUT_EXIT_CODE } from './run.js';

export type RunHelper = (verb: HelperVerb, input: string) => Promise<HelperOutput>;

export interface HelperLogin {
  username: string;
  secret: string;
}

/** A helper's error line as the protocol defines it (first line of stdout), short enough to show. */
function errorLine(output: HelperOutput): string {
  if (output.exitCode === TIMED_OUT_EXIT_CODE && output.stdout === '') return `it did not answer within ${HELPER_TIMEOUT_MS / 1000} s`;
  const line = output.stdout.trim().split('\n')[0]?.trim() ?? '';
  if (line === '') return `it exited with code ${output.exitCode}`;
  // A login printed before failing would carry the secret: an error line is text, never JSON.
  if (line.startsWith('{') || line.startsWith('[')) return `it exited with code ${output.exitCode} after printing JSON (not shown: it may hold a secret)`;
  return line.slice(0, 200);
}

export class HelperClient {
  constructor(
    /** For messages: `docker-credential-NAME`. */
    readonly program: string,
    private readonly run: RunHelper,
  ) {}

  /** Server URL -> username, as the helper lists them. */
  async list(): Promise<Map<string, string>> {
    const output = await this.run('list', 'unused');
    if (output.exitCode !== 0) throw new TsstoreError('helper', `${this.program} list failed: ${errorLine(output)}`);
    let value: unknown;
    try {
      value = JSON.parse(output.stdout);
    } catch {
      throw new TsstoreError('helper', `${this.program} list answered something that is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TsstoreError('helper', `${this.program} list answered JSON that is not an object of server URLs`);
    }
    const accounts = new Map<string, string>();
    for (const [serverURL, username] of Object.entries(value as Record<string, unknown>)) {
      accounts.set(serverURL, typeof username === 'string' ? username : '');
    }
    return accounts;
  }

  /** The login for exactly `serverURL`; TsstoreError 'not-found' when the helper has none. */
  async get(serverURL: string): Promise<HelperLogin> {
    const output = await this.run('get', serverURL);
    if (output.exitCode !== 0) {
      const line = errorLine(output);
      if (line === CREDENTIALS_NOT_FOUND) throw new TsstoreError('not-found', CREDENTIALS_NOT_FOUND);
      throw new TsstoreError('helper', `${this.program} get failed: ${line}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(output.stdout);
    } catch {
      throw new TsstoreError('helper', `${this.program} answered something that is not JSON`);
    }
    const { Username, Secret } = (typeof value === 'object' && value !== null ? value : {}) as { Username?: unknown; Secret?: unknown };
    if (typeof Username !== 'string' || typeof Secret !== 'string') {
      throw new TsstoreError('helper', `${this.program} answered JSON without a Username and Secret`);
    }
    if (Username === '' || Secret === '') throw new TsstoreError('helper', `${this.program} answers an empty login`);
    return { username: Username, secret: Secret };
  }
}
