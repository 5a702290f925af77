/**
 * Real GnuPG homes and the reference helper, for tests that compare against them.
 *
 * - `createGpgHome()`: a throwaway HOME with a GNUPGHOME (short path, 0700) and a `gpg` runner; optional
 *   passphrase-less key. Its gpg-agent is killed on cleanup.
 * - `createReferencePass()`: the same, plus `pass init KEY` and a runner for `docker-credential-pass VERB`
 *   (Debian golang-docker-credential-helpers 0.6.4) against that store.
 *
 * Secrets only ever travel on stdin; the only `--passphrase` on a command line is the empty one of the
 * test's own throwaway key.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HelperResult, runHelper } from './helper-binary.js';
import { findOnPath } from './real-components.js';

/** gpg-agent's socket path must fit in sun_path (108 bytes): keep GNUPGHOME short. */
const MAX_GNUPGHOME_LENGTH = 70;

export interface GpgHome {
  /** The temporary HOME that holds everything (GNUPGHOME is `<home>/.gnupg`). */
  home: string;
  gnupgHome: string;
  /** HOME, GNUPGHOME, PATH and LANG: enough for gpg, pass and the helpers. */
  env: Record<string, string>;
  /** Runs gpg with this GNUPGHOME; never throws on a non-zero exit. */
  gpg(args: readonly string[], input?: string): Promise<HelperResult>;
  /** Makes a passphrase-less key that can encrypt; returns its fingerprint (40 uppercase hex digits). */
  generateKey(userID: string): Promise<string>;
  /** Fingerprints of the primary keys in this keyring (`secret`: only those with a secret key). */
  fingerprints(options?: { secret?: boolean }): Promise<string[]>;
  /** Kills the gpg-agent (and any other GnuPG daemon) of this home and removes the folder. */
  cleanup(): Promise<void>;
}

function temporaryBase(): string {
  const base = tmpdir();
  // mkdtemp adds 6 characters to the prefix; `/.gnupg` and the longest socket name come after.
  return base.length + '/tsg-XXXXXX/.gnupg'.length <= MAX_GNUPGHOME_LENGTH ? base : '/tmp';
}

export async function createGpgHome(prefix = 'tsg-'): Promise<GpgHome> {
  const home = mkdtempSync(join(temporaryBase(), prefix)); // mkdtemp makes it 0700
  const gnupgHome = join(home, '.gnupg');
  mkdirSync(gnupgHome, { mode: 0o700 });
  const env: Record<string, string> = {
    HOME: home,
    GNUPGHOME: gnupgHome,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
  };
  const gpgProgram = findOnPath('gpg') ?? 'gpg';

  const gpg = (args: readonly string[], input?: string): Promise<HelperResult> =>
    runHelper(['--batch', '--no-tty', ...args], { binary: gpgProgram, env, input: input ?? '', cwd: home });

  async function fingerprints(options: { secret?: boolean } = {}): Promise<string[]> {
    const listing = await gpg(['--with-colons', options.secret ? '--list-secret-keys' : '--list-keys']);
    if (listing.exitCode !== 0 && listing.stdout === '') return [];
    const result: string[] = [];
    let wantFingerprint = false;
    for (const line of listing.stdout.split('\n')) {
      const fields = line.split(':');
      if (fields[0] === 'pub' || fields[0] === 'sec') wantFingerprint = true;
      else if (fields[0] === 'sub' || fields[0] === 'ssb') wantFingerprint = false;
      else if (fields[0] === 'fpr' && wantFingerprint) {
        result.push(fields[9] ?? '');
        wantFingerprint = false;
      }
    }
    return result;
  }

  async function generateKey(userID: string): Promise<string> {
    const before = new Set(await fingerprints());
    // The empty passphrase is the throwaway test key's, not a secret.
    const made = await gpg(['--passphrase', '', '--pinentry-mode', 'loopback', '--quick-gen-key', userID, 'default', 'default', 'never']);
    if (made.exitCode !== 0) throw new Error(`gpg --quick-gen-key failed (${made.exitCode}): ${made.stderr}`);
    const created = (await fingerprints()).filter((fingerprint) => !before.has(fingerprint));
    if (created.length !== 1 || !created[0]) throw new Error(`expected one new key, found ${created.length}`);
    return created[0];
  }

  async function cleanup(): Promise<void> {
    await runHelper(['--kill', 'all'], { binary: findOnPath('gpgconf') ?? 'gpgconf', env, cwd: home });
    rmSync(home, { recursive: true, force: true });
  }

  return { home, gnupgHome, env, gpg, generateKey, fingerprints, cleanup };
}

export interface ReferencePass {
  gpgHome: GpgHome;
  /** The key `pass init` was given. */
  keyFingerprint: string;
  env: Record<string, string>;
  /** `$HOME/.password-store` */
  passwordStore: string;
  /** `$HOME/.password-store/docker-credential-helpers`: one folder per base64url(server URL). */
  helperFolder: string;
  /** Runs `docker-credential-pass ...args` with `input` on stdin; never throws on a non-zero exit. */
  run(args: string | readonly string[], input?: string, extraEnv?: Record<string, string>): Promise<HelperResult>;
  /** Forgets every stored credential (the pass store and its key stay). */
  reset(): void;
  cleanup(): Promise<void>;
}

export const REFERENCE_HELPER = 'docker-credential-pass';

export async function createReferencePass(): Promise<ReferencePass> {
  const gpgHome = await createGpgHome('tsref-');
  try {
    const keyFingerprint = await gpgHome.generateKey('tsstore reference <reference@tsstore.invalid>');
    const env = { ...gpgHome.env };
    const initialized = await runHelper(['init', keyFingerprint], { binary: findOnPath('pass') ?? 'pass', env, cwd: gpgHome.home });
    if (initialized.exitCode !== 0) throw new Error(`pass init failed (${initialized.exitCode}): ${initialized.stderr}`);
    const passwordStore = join(gpgHome.home, '.password-store');
    const helperFolder = join(passwordStore, 'docker-credential-helpers');
    // By name, found on PATH, as docker runs it: Go helpers print os.Args[0] in their usage line.
    const helper = REFERENCE_HELPER;
    return {
      gpgHome,
      keyFingerprint,
      env,
      passwordStore,
      helperFolder,
      run: (args, input = '', extraEnv = {}) =>
        runHelper(typeof args === 'string' ? [args] : args, { binary: helper, env: { ...env, ...extraEnv }, input, cwd: gpgHome.home }),
      reset: () => rmSync(helperFolder, { recursive: true, force: true }),
      cleanup: () => gpgHome.cleanup(),
    };
  } catch (error) {
    await gpgHome.cleanup();
    throw error;
  }
}
