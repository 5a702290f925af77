/**
 * `init`: records the backend, makes the store key, adds extra recipients (re-encrypting what is
 * stored so they can read it), and points Docker's config.json at tsstore.
 */
import { join } from 'node:path';
import type { BackendName } from '../backends/backend.js';
import { backendOverride } from '../backends/in-force.js';
import { MAX_RECIPIENT_KEY_BYTES, PgpBackend } from '../backends/pgp/pgp-backend.js';
import { type Environment, type TsstorePaths, tsstorePaths } from '../config/paths.js';
import { readSettings, writeSettings } from '../config/settings.js';
import { plaintextEntries } from '../docker/auths.js';
import { type DockerConfigFile, assertRewritable, readDockerConfig, writeDockerConfig } from '../docker/config-file.js';
import { TsstoreError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/private-files.js';
import { readRegularFile, refusalError } from '../fs/read-regular-file.js';
import { exportGpgPublicKey } from './gpg-export.js';
import { passphraseForNewKey } from '../passphrase/new-key.js';
import type { PublicKeyInfo } from '../backends/pgp/openpgp-crypto.js';
import { say } from '../text/output.js';
import { overrideNotRecordedLine, planInitBackend } from './init-backend.js';
import { storeKeySource } from '../unlock/store-key-source.js';

export interface InitOptions {
  backend?: BackendName;
  recipientFiles: string[];
  recipientGpgKeys: string[];
  configureDocker: boolean;
}

export async function runInit(options: InitOptions, env: Environment = process.env): Promise<void> {
  const paths = tsstorePaths(env);
  // TSSTORE_BACKEND decides here as in every other command (an unknown value stops init before it writes).
  const override = backendOverride(env);
  const plan = planInitBackend({ flag: options.backend, override, recorded: readSettings(paths)?.backend, settingsFile: paths.settingsFile });
  // Nothing set up and nothing says: the same choice as a first `store` (keyring when one answers unlocked).
  const backend = plan.kind === 'set-up' ? plan.backend : (await (await import('../backends/choose.js')).probeBackend(env)).backend;
  const record = plan.kind === 'probe' || plan.record;
  const notRecorded = overrideNotRecordedLine(plan, paths.settingsFile);
  // Read config.json first: a broken one stops init before anything is written.
  const docker = options.configureDocker ? readDockerConfig(env) : undefined;
  // Setting credsStore rewrites it: a file docker reads differently from JSON.parse stops init here.
  if (docker && !(typeof docker.config.credsStore === 'string' && docker.config.credsStore !== '')) assertRewritable(docker);
  if (backend === 'keyring') {
    await initKeyring(paths, options, env, record, say);
    if (notRecorded) say(notRecorded);
    if (docker) configureDocker(docker, say);
    return;
  }
  const recipients = await loadRecipients(options);

  // Re-encrypting reads every credential: a person runs init, so a locked key may be asked for.
  const pgp = new PgpBackend(paths.pgpDir, storeKeySource(env, { mayPrompt: true }));
  // Asked only for a key this init creates; passwd changes the passphrase of an existing one.
  const passphrase = pgp.hasKey() ? '' : await passphraseForNewKey(env, pgp.layout.privateKeyFile, say);
  const fingerprint = await pgp.initialize(undefined, passphrase);
  if (record) writeSettings(paths, { backend });
  say(fingerprint ? `Created the store key ${fingerprint} in ${pgp.layout.privateKeyFile}` : `Using the store key in ${pgp.layout.privateKeyFile}`);
  if (notRecorded) say(notRecorded);

  ensurePrivateDir(pgp.layout.recipientsDir);
  for (const key of recipients) {
    writeFileAtomic(join(pgp.layout.recipientsDir, `${key.fingerprint}.asc`), key.armored);
    say(`Added recipient ${key.fingerprint} ${key.userIDs[0] ?? ''}`.trimEnd());
  }
  if (recipients.length > 0) {
    const count = await reencryptAll(pgp);
    say(`Re-encrypted ${count} stored credential${count === 1 ? '' : 's'} to the new recipient set.`);
  }

  if (docker) configureDocker(docker, say);
}

/** The keyring backend: check it can take credentials now, then record it (unless told not to). Nothing to create. */
async function initKeyring(paths: TsstorePaths, options: InitOptions, env: Environment, record: boolean, say: (line: string) => void): Promise<void> {
  if (options.recipientFiles.length + options.recipientGpgKeys.length > 0) {
    throw new TsstoreError('usage', '--recipient and --recipient-gpg apply to the pgp backend only; the keyring backend has no recipients');
  }
  const { checkKeyringReady } = await import('../backends/keyring/open-keyring.js');
  const where = await checkKeyringReady(env);
  if (record) writeSettings(paths, { backend: 'keyring' });
  say(`Credentials are kept in the OS keyring: ${where}${record ? ` (recorded in ${paths.settingsFile})` : ''}.`);
}

/** Reads and checks every extra recipient before anything is written. */
async function loadRecipients(options: InitOptions): Promise<PublicKeyInfo[]> {
  if (options.recipientFiles.length + options.recipientGpgKeys.length === 0) return [];
  const { readRecipientKey } = await import('../backends/pgp/openpgp-crypto.js');
  const keys: PublicKeyInfo[] = [];
  for (const file of options.recipientFiles) {
    // A regular file, or a pipe the person named (`--recipient <(gpg --armor --export KEY)`), within the cap.
    const outcome = readRegularFile(file, { maxBytes: MAX_RECIPIENT_KEY_BYTES, pipeNamedByPerson: true });
    if (outcome.kind !== 'read') throw refusalError(file, outcome);
    const data = outcome.bytes;
    const armored = data.subarray(0, 100).toString('latin1').includes('-----BEGIN PGP');
    keys.push(await readRecipientKey(armored ? data.toString('utf8') : data, file));
  }
  for (const keyID of options.recipientGpgKeys) {
    keys.push(await readRecipientKey(await exportGpgPublicKey(keyID), `gpg key ${keyID}`));
  }
  return keys;
}

/** Every stored credential is rewritten so that the current recipients can all read it. */
async function reencryptAll(pgp: PgpBackend): Promise<number> {
  const accounts = await pgp.list();
  for (const serverURL of accounts.keys()) {
    await pgp.add(serverURL, await pgp.get(serverURL));
  }
  return accounts.size;
}

function configureDocker(file: DockerConfigFile, say: (line: string) => void): void {
  const current = file.config.credsStore;
  if (current === 'tsstore') {
    say(`Docker already uses tsstore (${file.path}).`);
  } else if (typeof current === 'string' && current !== '') {
    say(`Docker uses the "${current}" helper (${file.path}); left as it is.`);
    say('Credentials it holds stay there. To switch, set "credsStore": "tsstore" there and run docker login again.');
  } else {
    file.config.credsStore = 'tsstore';
    writeDockerConfig(file);
    say(`Docker now uses tsstore: set "credsStore": "tsstore" in ${file.path}.`);
  }
  const plaintext = plaintextEntries(file.config).map((entry) => entry.registry);
  if (plaintext.length > 0) {
    say(`${file.path} still holds plain-text credentials for: ${plaintext.join(', ')}.`);
    say('Run docker logout and docker login for each to move them into tsstore.');
  }
}
