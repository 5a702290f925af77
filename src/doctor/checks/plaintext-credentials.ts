/**
 * plaintext-credentials: no secret left in config.json's auths. Fix: store each in tsstore, read it back,
 * and only then remove it from config.json (the entry stays as `{}`, as docker leaves it).
 */
import { plaintextEntries, withoutSecrets } from '../../docker/auths.js';
import { loginCommand, migrateFromConfig } from '../../migrate/migrate.js';
import type { Check } from '../check.js';
import { requireTsstoreOnPath } from './creds-store.js';

export const plaintextCredentials: Check = {
  id: 'plaintext-credentials',
  title: 'No password in plain text in config.json',
  async diagnose(context) {
    const read = context.readDockerConfig();
    if (!read.ok) return { status: 'skipped', details: ['config.json cannot be read (see config-json)'] };
    const entries = plaintextEntries(read.file.config);
    if (entries.length === 0) return { status: 'ok', details: [] };
    const details = [`${read.file.path} holds ${entries.length} secret(s) in plain text (base64 is not encryption): ${entries.map((entry) => entry.registry).join(', ')}`];
    const unusable = entries.filter((entry) => entry.kind === 'unusable');
    for (const entry of unusable) details.push(`${entry.registry}: ${entry.reason}`);
    const credsStore = read.file.config.credsStore;
    if (typeof credsStore === 'string' && credsStore !== '' && credsStore !== 'tsstore') {
      details.push(`docker uses credsStore "${credsStore}", so it ignores these; the creds-store fix moves them`);
    }
    return {
      status: 'problem',
      details,
      fixable: unusable.length < entries.length,
      commands: unusable.length === entries.length ? unusable.map((entry) => loginCommand(entry.registry)) : undefined,
    };
  },
  async fix(context) {
    const read = context.readDockerConfig();
    if (!read.ok) throw new Error('config.json cannot be read');
    const { file } = read;
    const credsStore = file.config.credsStore;
    if (typeof credsStore === 'string' && credsStore !== '' && credsStore !== 'tsstore') {
      throw new Error(`docker uses credsStore "${credsStore}": run doctor --fix creds-store first`);
    }
    if (credsStore !== 'tsstore') requireTsstoreOnPath(context);
    const store = await context.store({ forWrite: true });
    const migration = await migrateFromConfig(plaintextEntries(file.config), store);
    const done: string[] = [];
    if (migration.moved.length > 0) {
      // Docker must look in tsstore from now on, or these logins would be lost to it.
      await context.writeDockerConfig(file, { ...withoutSecrets(file.config, migration.moved), credsStore: 'tsstore' });
      done.push(`moved ${migration.moved.length} login(s) into tsstore and removed them from ${file.path}: ${migration.moved.join(', ')}`);
      if (credsStore !== 'tsstore') done.push(`set "credsStore": "tsstore" in ${file.path}`);
    }
    for (const failure of migration.failed) done.push(`left ${failure.registry}: ${failure.reason}; log in again: ${loginCommand(failure.registry)}`);
    return done;
  },
};
