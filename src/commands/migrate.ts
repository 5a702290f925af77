/** `migrate --from HELPER|config [--dry-run]`: moves credentials into tsstore, verified one by one. */
import { plaintextEntries, withoutSecrets } from '../docker/auths.js';
import { readDockerConfig } from '../docker/config-file.js';
import { openBackend } from '../backends/open.js';
import { replaceConfigFile } from '../doctor/backup.js';
import { runCredentialHelper } from '../doctor/external-helper.js';
import { TsstoreError } from '../errors.js';
import { findOnPath } from '../fs/find-on-path.js';
import { type Migration, loginCommand, migrateFromConfig, migrateFromHelper } from '../migrate/migrate.js';

export async function runMigrate(options: { from: string; dryRun: boolean }, env = process.env): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const verb = options.dryRun ? 'would move' : 'moved';
  let migration: Migration;
  if (options.from === 'config') {
    const file = readDockerConfig(env);
    const current = file.config.credsStore;
    if (typeof current === 'string' && current !== '' && current !== 'tsstore') {
      // Docker reads these logins from the other helper, not from config.json: switching here would hide them.
      throw new TsstoreError('usage', `docker uses credsStore "${current}"; run docker-credential-tsstore doctor --fix creds-store instead`);
    }
    const store = await openBackend({ forWrite: !options.dryRun }, env);
    migration = await migrateFromConfig(plaintextEntries(file.config), store, options.dryRun);
    if (!options.dryRun && migration.moved.length > 0) {
      await replaceConfigFile(env, file, { ...withoutSecrets(file.config, migration.moved), credsStore: 'tsstore' });
      say(`removed the moved secrets from ${file.path} and set "credsStore": "tsstore"`);
    }
  } else {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(options.from) || options.from === 'tsstore') {
      throw new TsstoreError('usage', `--from takes a helper name such as pass or secretservice, or "config"`);
    }
    const program = `docker-credential-${options.from}`;
    if (!findOnPath(program, env.PATH ?? '')) throw new TsstoreError('usage', `${program} is not on PATH`);
    const store = await openBackend({ forWrite: !options.dryRun }, env);
    migration = await migrateFromHelper((helperVerb, input) => runCredentialHelper(program, helperVerb, input, env), store, options.dryRun);
  }
  for (const registry of migration.moved) say(`${verb} ${registry}`);
  for (const failure of migration.failed) say(`could not move ${failure.registry}: ${failure.reason}; log in again: ${loginCommand(failure.registry)}`);
  if (migration.moved.length + migration.failed.length === 0) say('nothing to move');
  return migration.failed.length === 0 ? 0 : 1;
}
