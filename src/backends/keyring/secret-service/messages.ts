/**
 * What the keyring backend says about the Secret Service's state when it cannot do its job (no bus,
 * no service, a silent one, locked, nowhere to store): one line each, saying what is wrong and what to
 * do. Pure; never a secret in them.
 */
import { TsstoreError } from '../../../errors.js';
import type { SecretServiceState } from './state.js';

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

