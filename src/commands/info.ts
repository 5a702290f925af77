/** `info`: which backend, where its files are, how many credentials, and whether Docker uses us. */
import { backendOverride } from '../backends/open.js';
import { PgpBackend } from '../backends/pgp/pgp-backend.js';
import { tsstorePaths } from '../config/paths.js';
import { readSettings } from '../config/settings.js';
import { readDockerConfig } from '../docker/config-file.js';
import { describeError } from '../errors.js';

export async function runInfo(env = process.env): Promise<void> {
  const paths = tsstorePaths(env);
  const override = backendOverride(env);
  const settings = readSettings(paths);
  const backend = override ?? settings?.backend;
  const lines: string[] = [];
  lines.push(`backend:      ${backend ?? 'none yet (the first store sets up pgp)'}${override ? ' (from TSSTORE_BACKEND)' : ''}`);
  lines.push(`settings:     ${paths.settingsFile}${settings ? '' : ' (not written yet)'}`);
  if (backend === 'pgp' || backend === undefined) {
    const pgp = new PgpBackend(paths.pgpDir);
    lines.push(`store:        ${pgp.layout.root}`);
    lines.push(`store key:    ${pgp.hasKey() ? pgp.layout.privateKeyFile : 'none yet'}`);
    const recipients = pgp.readExtraRecipients().length;
    lines.push(`recipients:   the store key${recipients ? ` and ${recipients} more (${pgp.layout.recipientsDir})` : ''}`);
    lines.push(`credentials:  ${(await pgp.list()).size}`);
  }
  try {
    const docker = readDockerConfig(env);
    const credsStore = docker.config.credsStore;
    lines.push(`docker:       ${docker.path}: ${typeof credsStore === 'string' ? `credsStore "${credsStore}"` : 'no credsStore'}`);
  } catch (error) {
    lines.push(`docker:       ${describeError(error)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
