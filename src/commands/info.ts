/** `info`: which backend, where its data is, how many credentials, and whether Docker uses us. */
import type { BackendName } from '../backends/backend.js';
import { backendInForce } from '../backends/in-force.js';
import { PgpBackend } from '../backends/pgp/pgp-backend.js';
import { type Environment, tsstorePaths } from '../config/paths.js';
import { readSettings } from '../config/settings.js';
import { readDockerConfig } from '../docker/config-file.js';
import { describeError } from '../errors.js';
import { say } from '../text/output.js';
import { storeKeySource } from '../unlock/store-key-source.js';

export async function runInfo(env: Environment = process.env): Promise<void> {
  const paths = tsstorePaths(env);
  const chosen = backendInForce(env, paths);
  // Read even when TSSTORE_BACKEND decides: the settings line below says whether it exists.
  const settings = readSettings(paths);
  const lines: string[] = [];
  let shown: BackendName;
  if (chosen) {
    shown = chosen.name;
    lines.push(`backend:      ${chosen.name}${chosen.from === 'TSSTORE_BACKEND' ? ' (from TSSTORE_BACKEND)' : ''}`);
  } else {
    // What a first store would pick here, found by looking only.
    const { probeBackend } = await import('../backends/choose.js');
    const choice = await probeBackend(env);
    shown = choice.backend;
    lines.push(`backend:      none yet (the first store picks ${choice.backend}: ${choice.reason})`);
  }
  lines.push(`settings:     ${paths.settingsFile}${settings ? '' : ' (not written yet)'}`);
  if (shown === 'pgp') {
    // info only looks (list reads no secret): it never asks for a passphrase.
    const pgp = new PgpBackend(paths.pgpDir, storeKeySource(env, { mayPrompt: false }));
    pgp.writesListCache = false; // info only looks: not even list's cache is written
    lines.push(`store:        ${pgp.layout.root}`);
    lines.push(`store key:    ${pgp.hasKey() ? pgp.layout.privateKeyFile : 'none yet'}`);
    const recipients = pgp.readExtraRecipients().length;
    lines.push(`recipients:   the store key${recipients ? ` and ${recipients} more (${pgp.layout.recipientsDir})` : ''}`);
    lines.push(`credentials:  ${(await pgp.list()).size}`);
  } else {
    lines.push(...(await keyringLines(env)));
  }
  try {
    const docker = readDockerConfig(env);
    const credsStore = docker.config.credsStore;
    lines.push(`docker:       ${docker.path}: ${typeof credsStore === 'string' ? `credsStore "${credsStore}"` : 'no credsStore'}`);
  } catch (error) {
    lines.push(`docker:       ${describeError(error)}`);
  }
  for (const line of lines) say(line);
}

/** Where the keyring keeps our items and how many there are; never reads a secret. */
async function keyringLines(env: Environment): Promise<string[]> {
  const { usesSecretService, openKeyringBackend } = await import('../backends/keyring/open-keyring.js');
  const { KEYRING_SERVICE } = await import('../backends/keyring/item-format.js');
  if (!usesSecretService()) {
    const where = process.platform === 'darwin' ? 'the macOS Keychain' : 'the Windows Credential Manager';
    try {
      const count = (await (await openKeyringBackend(env)).list()).size;
      return [`store:        ${where}, items of service "${KEYRING_SERVICE}"`, `credentials:  ${count}`];
    } catch (error) {
      return [`store:        ${where}: ${describeError(error)}`, 'credentials:  unknown'];
    }
  }
  const { inspectSecretService } = await import('../backends/keyring/secret-service/client.js');
  const { describeState } = await import('../backends/keyring/secret-service/messages.js');
  const { service, items } = await inspectSecretService(env, { attributes: { service: KEYRING_SERVICE }, timeoutMs: 3000 });
  const lines = [`store:        Secret Service, items with attribute service="${KEYRING_SERVICE}"`];
  if (service.state === 'ready') {
    lines.push(`bus:          ${service.address}`);
    lines.push(`collection:   "${service.collection.label}" (${service.collection.path}), ${service.collection.locked ? 'locked' : 'unlocked'}`);
  } else {
    lines.push(`keyring:      ${describeState(service)}`);
  }
  if (items) {
    const locked = items.locked > 0 ? ` (${items.locked} in a locked collection)` : '';
    lines.push(`credentials:  ${items.unlocked + items.locked}${locked}`);
  } else {
    lines.push('credentials:  unknown');
  }
  return lines;
}
