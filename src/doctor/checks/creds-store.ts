/**
 * creds-store: Docker keeps logins in tsstore. Fix: move what docker uses today (the old helper's
 * credentials, or plain-text auths) into tsstore, then set "credsStore": "tsstore".
 */
import { HelperClient } from '../../credential-helper/client.js';
import { plaintextEntries, withoutSecrets } from '../../docker/auths.js';
import { TsstoreError, describeError, isTsstoreError } from '../../errors.js';
import { type Failure, emptyMigration, migrateFromConfig, migrateFromHelper, removableRegistries } from '../../migrate/migrate.js';
import { MigrationPlanner } from '../../migrate/plan.js';
import { CONFIG_SOURCE, type Source, conflictLines, failureLine, loginCommand, showRegistry } from '../../migrate/wording.js';
import type { Check, Diagnosis } from '../check.js';
import { installCommand, requireTsstoreOnPath } from '../tsstore-on-path.js';

export type CredsStoreState =
  | { kind: 'ok' }
  | { kind: 'missing' }
  | { kind: 'invalid'; value: string }
  | { kind: 'tsstore-not-on-path' }
  | { kind: 'helper-missing'; helper: string }
  | { kind: 'other-helper'; helper: string };

/** Pure judgement from the credsStore value and whether helpers are on PATH. */
export function judgeCredsStore(credsStore: unknown, onPath: (helper: string) => boolean): CredsStoreState {
  if (credsStore === undefined || credsStore === '') return { kind: 'missing' };
  if (typeof credsStore !== 'string') return { kind: 'invalid', value: JSON.stringify(credsStore).slice(0, 60) };
  if (credsStore === 'tsstore') return onPath('tsstore') ? { kind: 'ok' } : { kind: 'tsstore-not-on-path' };
  return onPath(credsStore) ? { kind: 'other-helper', helper: credsStore } : { kind: 'helper-missing', helper: credsStore };
}

function describeState(state: CredsStoreState, path: string): Diagnosis {
  switch (state.kind) {
    case 'ok':
      return { status: 'ok', details: [`credsStore is "tsstore" in ${path}`] };
    case 'missing':
      return { status: 'problem', details: [`${path} names no credsStore: docker keeps passwords in plain text in it`] };
    case 'invalid':
      return { status: 'problem', details: [`credsStore in ${path} is ${state.value}, not a helper name`] };
    case 'tsstore-not-on-path':
      return {
        status: 'problem',
        fixable: false,
        details: ['credsStore is "tsstore" but docker-credential-tsstore is not on PATH: docker cannot run it'],
        commands: [installCommand()],
      };
    case 'helper-missing':
      return {
        status: 'problem',
        details: [
          `credsStore is "${state.helper}" but docker-credential-${state.helper} is not on PATH: every docker login and pull fails with "executable file not found"`,
        ],
      };
    case 'other-helper':
      return { status: 'problem', details: [`docker keeps credentials with docker-credential-${state.helper}, not tsstore`] };
  }
}

export const credsStore: Check = {
  id: 'creds-store',
  title: 'Docker uses tsstore for logins',
  async diagnose(context) {
    const read = context.readDockerConfig();
    if (!read.ok) return { status: 'skipped', details: ['config.json cannot be read (see config-json)'] };
    const state = judgeCredsStore(read.file.config.credsStore, (helper) => context.findHelper(helper) !== undefined);
    return describeState(state, read.file.path);
  },
  async fix(context) {
    const read = context.readDockerConfig();
    if (!read.ok) throw new TsstoreError('config', 'config.json cannot be read');
    const { file } = read;
    const state = judgeCredsStore(file.config.credsStore, (helper) => context.findHelper(helper) !== undefined);
    requireTsstoreOnPath(context);
    const done: string[] = [];
    const planner = new MigrationPlanner(await context.store({ forWrite: true }));
    let fromHelper = emptyMigration();
    let helperSource: Source | undefined;
    if (state.kind === 'other-helper') {
      const program = `docker-credential-${state.helper}`;
      helperSource = { label: program, from: state.helper, file: false };
      try {
        fromHelper = await migrateFromHelper(new HelperClient(program, (verb, input) => context.runHelper(state.helper, verb, input)), planner);
      } catch (error) {
        throw new TsstoreError(isTsstoreError(error) ? error.code : 'helper', `${describeError(error)}; nothing was changed`, { cause: error });
      }
      const taken = removableRegistries(fromHelper);
      if (taken.length > 0) done.push(`moved ${taken.length} login(s) from ${program}: ${taken.map(showRegistry).join(', ')}`);
      for (const conflict of fromHelper.conflicts) done.push(...conflictLines(conflict, helperSource));
    }
    // With no working helper, docker reads plain-text auths: move them too, before switching.
    const fromConfig = await migrateFromConfig(plaintextEntries(file.config), planner);
    const removable = removableRegistries(fromConfig);
    if (removable.length > 0) done.push(`moved ${removable.length} plain-text login(s) from ${file.path}: ${removable.map(showRegistry).join(', ')}`);
    for (const conflict of fromConfig.conflicts) done.push(...conflictLines(conflict, CONFIG_SOURCE));
    const config = { ...withoutSecrets(file.config, removable), credsStore: 'tsstore' };
    await context.writeDockerConfig(file, config);
    done.push(`set "credsStore": "tsstore" in ${file.path}`);
    // Registries docker knows (auths keys) whose secret is in neither place: a new login is needed.
    const recovered = new Set([...removableRegistries(fromHelper), ...removable, ...fromHelper.conflicts.map((c) => c.registry), ...fromConfig.conflicts.map((c) => c.registry)]);
    const failed: Failure[] = [...fromHelper.failed, ...fromConfig.failed];
    const lost: Failure[] = [];
    if (state.kind === 'helper-missing') {
      for (const registry of Object.keys(file.config.auths ?? {})) {
        if (!recovered.has(registry) && !failed.some((failure) => failure.registry === registry)) {
          lost.push({ registry, reason: `its secret was in docker-credential-${state.helper}, which is not installed`, relogin: true });
        }
      }
    }
    for (const failure of fromHelper.failed) done.push(failureLine(failure, helperSource ?? CONFIG_SOURCE));
    for (const failure of fromConfig.failed) done.push(failureLine(failure, CONFIG_SOURCE));
    for (const failure of lost) {
      done.push(`log in again to ${showRegistry(failure.registry)} (${failure.reason}): ${loginCommand(failure.registry)}`);
    }
    return done;
  },
};
