/**
 * What the keyring backend says when it cannot do its job: one line each, saying what is wrong and
 * what to do. Pure; never a secret in them.
 */
import { TsstoreError } from '../../errors.js';
import type { SecretServiceState } from './secret-service/client.js';

const USE_PGP = 'or use the pgp backend instead: docker-credential-tsstore init --backend pgp (or TSSTORE_BACKEND=pgp)';
const START_KEYRING = 'run it in your desktop session, or start a keyring (dbus-run-session, then gnome-keyring-daemon --unlock)';

/** A short phrase for `info` and for the first-use choice: why the Secret Service cannot be used. */
export function describeState(state: SecretServiceState): string {
  switch (state.state) {
    case 'no-bus':
      return `no D-Bus session bus (${state.detail})`;
    case 'bus-unreachable':
      return `the D-Bus session bus at ${state.address} does not answer (${state.detail})`;
    case 'no-service':
      return `no Secret Service (org.freedesktop.secrets) answers on the D-Bus session bus (${state.detail})`;
    case 'service-silent':
      return `the Secret Service on the D-Bus session bus does not answer (${state.detail})`;
    case 'no-default-collection':
      return 'the Secret Service has no default collection';
    case 'ready':
      return `the Secret Service answers, collection "${state.collection.label}" is ${state.collection.locked ? 'locked' : 'unlocked'}`;
  }
}

export function lockedError(collectionLabel: string | undefined): TsstoreError {
  const which = collectionLabel ? ` (Secret Service collection "${collectionLabel}")` : '';
  return new TsstoreError(
    'locked',
    `the keyring is locked${which}: unlock it (log in to your desktop session, or unlock it in Passwords and Keys / seahorse) and try again`,
  );
}

export function noBusError(detail: string): TsstoreError {
  return new TsstoreError(
    'backend-unavailable',
    `the keyring backend needs the Secret Service over D-Bus, and there is no D-Bus session bus here (${detail}): ${START_KEYRING}, ${USE_PGP}`,
  );
}

/** The Secret Service cannot be reached at all; undefined when the state is usable (or only locked). */
export function unreachableError(state: SecretServiceState): TsstoreError | undefined {
  switch (state.state) {
    case 'no-bus':
      return noBusError(state.detail);
    case 'bus-unreachable':
      return new TsstoreError(
        'backend-unavailable',
        `the keyring backend needs the Secret Service over D-Bus, and the D-Bus session bus at ${state.address} does not answer (${state.detail}): ${START_KEYRING}, ${USE_PGP}`,
      );
    case 'no-service':
      return new TsstoreError(
        'backend-unavailable',
        `the keyring backend needs the Secret Service, and nothing on the D-Bus session bus provides it (${state.detail}): start a keyring (gnome-keyring-daemon --components=secrets, or KeePassXC with Secret Service integration), ${USE_PGP}`,
      );
    case 'service-silent':
      return notAnsweringError(state.address, state.detail);
    case 'no-default-collection':
      return new TsstoreError(
        'backend-unavailable',
        'the Secret Service has no default collection to keep credentials in: create one (Passwords and Keys / seahorse), or use the pgp backend instead: docker-credential-tsstore init --backend pgp (or TSSTORE_BACKEND=pgp)',
      );
    case 'ready':
      return undefined;
  }
}

/** The Secret Service took some calls of ours and left one unanswered: the library would wait for ever. */
export function notAnsweringError(address: string, detail: string): TsstoreError {
  return new TsstoreError(
    'backend-unavailable',
    `the Secret Service on the D-Bus session bus at ${address} does not answer (${detail}): restart your keyring (log out and in again), ${USE_PGP}`,
  );
}

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
    const text = current instanceof Error ? current.message : String(current);
    lines.push(text.split('\n')[0]?.trim() || 'unknown error');
    current = current instanceof Error ? current.cause : undefined;
  }
  const causes = lines.slice(1);
  return causes.find((line) => !/^Cannot find module/i.test(line)) ?? causes.at(-1) ?? lines[0] ?? 'unknown error';
}
