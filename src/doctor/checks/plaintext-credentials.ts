/**
 * plaintext-credentials: no secret left in config.json's auths. Fix: store each in tsstore, read it back,
 * and only then remove it from config.json (the entry stays as `{}`, as docker leaves it). A registry
 * tsstore already holds another login for is a conflict: kept as it is, and told with the commands.
 */
import { TsstoreError } from '../../errors.js';
import { plaintextEntries, withoutSecrets } from '../../docker/auths.js';
import { executeSteps, removableRegistries } from '../../migrate/migrate.js';
import { MigrationPlanner } from '../../migrate/plan.js';
import { CONFIG_SOURCE, conflictLines, failureLine, loginCommand, showRegistry } from '../../migrate/wording.js';
import type { Check } from '../check.js';
import { movesAnything, planMoves } from '../planned-moves.js';
import { requireTsstoreOnPath } from '../tsstore-on-path.js';

export const plaintextCredentials: Check = {
  id: 'plaintext-credentials',
  title: 'No password in plain text in config.json',
  async diagnose(context) {
    const read = context.readDockerConfig();
    if (!read.ok) return { status: 'skipped', details: ['config.json cannot be read (see config-json)'] };
    const entries = plaintextEntries(read.file.config);
    if (entries.length === 0) return { status: 'ok', details: [] };
    const details = [
      `${read.file.path} holds ${entries.length} secret(s) in plain text (base64 is not encryption): ${entries.map((entry) => showRegistry(entry.registry)).join(', ')}`,
    ];
    const unusable = entries.filter((entry) => entry.kind === 'unusable');
    for (const entry of unusable) details.push(`${showRegistry(entry.registry)}: ${entry.reason}`);
    const credsStore = read.file.config.credsStore;
    const otherHelper = typeof credsStore === 'string' && credsStore !== '' && credsStore !== 'tsstore';
    if (otherHelper) details.push(`docker uses credsStore "${credsStore}", so it ignores these; the creds-store fix moves them`);
    let fixable = unusable.length < entries.length;
    const planned = otherHelper ? undefined : await planMoves(context, [entries]);
    if (planned && !planned.ok) details.push(planned.reason);
    if (planned?.ok) {
      const steps = planned.steps[0] ?? [];
      for (const step of steps) {
        if (step.action === 'conflict') details.push(...conflictLines({ registry: step.candidate.registry, heldUsername: step.heldUsername, offeredUsername: step.candidate.username }, CONFIG_SOURCE));
        if (step.action === 'refused') details.push(failureLine({ registry: step.candidate.registry, reason: step.reason, relogin: false }, CONFIG_SOURCE));
      }
      fixable = movesAnything(steps);
    }
    return {
      status: 'problem',
      details,
      fixable,
      commands: unusable.length === entries.length ? unusable.map((entry) => loginCommand(entry.registry)) : undefined,
    };
  },
  async fix(context) {
    const read = context.readDockerConfig();
    if (!read.ok) throw new TsstoreError('config', 'config.json cannot be read');
    const { file } = read;
    const credsStore = file.config.credsStore;
    if (typeof credsStore === 'string' && credsStore !== '' && credsStore !== 'tsstore') {
      throw new TsstoreError('config', `docker uses credsStore "${credsStore}": run doctor --fix creds-store first`);
    }
    if (credsStore !== 'tsstore') requireTsstoreOnPath(context);
    const store = await context.store({ forWrite: true });
    const entries = plaintextEntries(file.config);
    const planner = new MigrationPlanner(store);
    const candidates = entries.flatMap((entry) => (entry.kind === 'unusable' ? [] : [{ registry: entry.registry, username: entry.username, secret: entry.secret }]));
    const migration = await executeSteps(await planner.plan(candidates), store, false);
    const removable = removableRegistries(migration);
    const done: string[] = [];
    if (removable.length > 0) {
      // Docker must look in tsstore from now on, or these logins would be lost to it.
      await context.writeDockerConfig(file, { ...withoutSecrets(file.config, removable), credsStore: 'tsstore' });
      done.push(`moved ${removable.length} login(s) into tsstore and removed them from ${file.path}: ${removable.map(showRegistry).join(', ')}`);
      if (credsStore !== 'tsstore') done.push(`set "credsStore": "tsstore" in ${file.path}`);
    }
    for (const conflict of migration.conflicts) done.push(`left ${showRegistry(conflict.registry)} in ${file.path}: tsstore holds another login for it`);
    for (const failure of migration.failed) done.push(failureLine(failure, CONFIG_SOURCE));
    for (const entry of entries) if (entry.kind === 'unusable') done.push(`left ${showRegistry(entry.registry)}: ${entry.reason}; log in again: ${loginCommand(entry.registry)}`);
    return done;
  },
};
