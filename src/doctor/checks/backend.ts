/**
 * backend: tsstore's own store works. Its diagnose only reads: lists, and decrypts one credential. Its
 * write phase, under --fix, also writes a random probe, reads it back and erases it (as
 * git-credential-manager's diagnostic does), which proves writes work end to end.
 */
import { randomBytes } from 'node:crypto';
import type { Backend, BackendName } from '../../backends/backend.js';
import { backendOverride } from '../../backends/in-force.js';
import { PgpBackend } from '../../backends/pgp/pgp-backend.js';
import { type Environment, tsstorePaths } from '../../config/paths.js';
import { readSettings } from '../../config/settings.js';
import { isTsstoreError } from '../../errors.js';
import { UNLOCK_COMMAND } from '../../passphrase/decide.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import { PROBE_PREFIX, isProbeKey } from '../probe-credential.js';

/**
 * A failure as a problem. A locked pgp key gets the unlock command; a locked keyring does not (that
 * command refuses keyring stores): its message already says how to unlock the keyring itself.
 */
export function problemFromError(error: unknown, action: string, backendName: BackendName = 'pgp'): Diagnosis {
  if (isTsstoreError(error, 'locked') && backendName === 'pgp') {
    return { status: 'problem', fixable: false, details: [`${action}: ${error.message}`], commands: [UNLOCK_COMMAND] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'problem', fixable: false, details: [`${action}: ${message}`] };
}

export const backend: Check = {
  id: 'backend',
  title: "tsstore's store works",
  diagnose: (context) => inspectStore(context, { probe: false }),
  verify: {
    when: 'fix',
    // A probe is a write: the runner runs it under --fix only while fixes may run (config.json readable).
    run: (context) => inspectStore(context, { probe: true }),
  },
};

/**
 * Lists the store and reads one credential back. With `probe` it first sets the store up where nothing
 * is yet (as a first `store` would) and ends with a probe credential written, read back and erased.
 */
async function inspectStore(context: DoctorContext, { probe }: { probe: boolean }): Promise<Diagnosis> {
  const paths = tsstorePaths(context.env);
  let name: BackendName | undefined;
  try {
    name = backendOverride(context.env) ?? readSettings(paths)?.backend;
  } catch (error) {
    return problemFromError(error, 'settings');
  }
  if (name === undefined && !probe) {
    return { status: 'ok', details: ['not set up yet: the first docker login sets it up (or run docker-credential-tsstore init)'] };
  }
  const details: string[] = [];
  let store;
  try {
    store = await context.store({ forWrite: probe });
    const accounts = await store.list();
    details.push(`${store.name} backend, ${accounts.size} credential(s)`);
    if (store instanceof PgpBackend) {
      // context.store gave it a key source that never asks: a locked key is reported with the command.
      const key = await describeStoreKey(store, context.env);
      if (key.locked) return { status: 'problem', fixable: false, details: [...details, key.line], commands: [UNLOCK_COMMAND] };
      if (key.line) details.push(key.line);
    }
    const first = [...accounts.keys()].find((key) => !isProbeKey(key));
    if (first !== undefined) {
      await store.get(first);
      details.push(`read back the credential of ${first}`);
    }
  } catch (error) {
    return problemFromError(error, 'reading the store failed', store?.name ?? name);
  }
  return probe ? writeProbe(store, details) : { status: 'ok', details };
}

/** Writes a random probe credential, reads it back and erases it; `details` say what was found before. */
async function writeProbe(store: Backend, details: readonly string[]): Promise<Diagnosis> {
  const probeKey = `${PROBE_PREFIX}${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(24).toString('base64');
  try {
    await store.add(probeKey, { username: 'probe', secret });
    const back = await store.get(probeKey);
    if (back.secret !== secret || back.username !== 'probe') return { status: 'problem', fixable: false, details: [...details, 'a probe credential read back different from what was written'] };
  } catch (error) {
    return problemFromError(error, 'writing a probe credential failed', store.name);
  } finally {
    await store.delete(probeKey).catch(() => undefined);
  }
  return { status: 'ok', details: [...details, 'wrote, read back and erased a probe credential'] };
}

/** One line about the store key's passphrase; `locked` when no verb could read a credential without asking. */
async function describeStoreKey(store: PgpBackend, env: Environment): Promise<{ locked: false; line?: string } | { locked: true; line: string }> {
  const { storeKeyState } = await import('../../unlock/key-state.js');
  const state = await storeKeyState(store.layout, env);
  switch (state.kind) {
    case 'missing':
      return { locked: false };
    case 'unprotected':
      return { locked: false, line: 'the store key has no passphrase (docker-credential-tsstore passwd adds one)' };
    case 'passphrase-file':
      return { locked: false, line: 'the store key has a passphrase, read from TSSTORE_PASSPHRASE_FILE' };
    case 'unlocked': {
      const until = state.agent.expiresAt === null ? '' : ` until ${new Date(state.agent.expiresAt).toTimeString().slice(0, 5)}`;
      return { locked: false, line: `the store key has a passphrase; the agent (pid ${state.agent.pid}) holds it unlocked${until}` };
    }
    case 'locked':
      return { locked: true, line: 'the store key is locked: it has a passphrase and no agent holds it unlocked, so docker cannot read credentials where nobody can type it' };
  }
}
