/**
 * Opens the keyring backend for this platform. On Linux the session bus is looked for first, from
 * the environment alone, so a session without D-Bus fails at once, before the native addon is loaded.
 */
import type { Environment } from '../../config/paths.js';
import type { TsstoreError } from '../../errors.js';
import { KEYRING_SERVICE, entryLabel } from './item-format.js';
import { judgeReport } from './secret-service/judge.js';
import { type CheckContext, type DirectList, type DirectRead, type DirectRemove, KeyringBackend, type KeyringGuard } from './keyring-backend.js';
import { noBusError, notAnsweringError, unreachableError } from './messages.js';
import { loadKeyringLibrary } from './native.js';
import { SecretReader } from './secret-service/reader.js';
import { SecretWriter } from './secret-service/writer.js';
import { SecretServiceClient, findSessionBus, inspectSecretService, noBusDetail } from './secret-service/client.js';

/** Linux and the BSDs keep secrets in the Secret Service over D-Bus; macOS and Windows do not. */
export function usesSecretService(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'darwin' && platform !== 'win32';
}

export async function openKeyringBackend(env: Environment = process.env): Promise<KeyringBackend> {
  if (!usesSecretService()) return new KeyringBackend(loadKeyringLibrary);
  const bus = findSessionBus(env);
  if (bus.kind !== 'socket') throw noBusError(noBusDetail(bus));
  return new KeyringBackend(loadKeyringLibrary, new SecretServiceGuard(new SecretServiceClient(env)));
}

/** The Secret Service, asked over tsstore's own D-Bus connection (one per process). */
export class SecretServiceGuard implements KeyringGuard {
  private readonly reader: SecretReader;
  private readonly writer: SecretWriter;

  constructor(private readonly client: SecretServiceClient) {
    this.reader = new SecretReader(client);
    this.writer = new SecretWriter(client, this.reader);
  }

  write(serverURL: string, password: string): Promise<boolean> {
    return this.writer.write({ label: entryLabel(serverURL), attributes: attributesFor(serverURL) }, password);
  }

  remove(serverURL: string): Promise<DirectRemove> {
    return this.writer.remove(attributesFor(serverURL));
  }

  read(serverURL: string): Promise<DirectRead> {
    return this.reader.read(attributesFor(serverURL));
  }

  readAll(): Promise<DirectList> {
    return this.reader.readAll(attributesFor(undefined));
  }

  async libraryBlocked(): Promise<TsstoreError | undefined> {
    const status = await this.client.status();
    const unreachable = status.state === 'no-default-collection' ? undefined : unreachableError(status);
    if (unreachable) return unreachable;
    const silence = this.client.silence();
    return silence && notAnsweringError(silence.address, silence.detail);
  }

  async holds(serverURL?: string): Promise<boolean> {
    const [status, count] = await Promise.all([this.client.status(), this.client.count(attributesFor(serverURL))]);
    const unreachable = status.state === 'no-default-collection' ? undefined : unreachableError(status);
    if (unreachable) throw unreachable;
    // Cannot tell: let the library look.
    return count === undefined || count.unlocked + count.locked > 0;
  }

  async explain(context: CheckContext): Promise<TsstoreError | undefined> {
    const [service, items] = await Promise.all([this.client.status(), this.client.count(attributesFor(context.serverURL))]);
    return judgeReport(items ? { service, items } : { service }, context);
  }
}

/** tsstore's items: all of them, or the one of `serverURL` (the attributes the library writes and searches). */
function attributesFor(serverURL: string | undefined): Record<string, string> {
  return serverURL === undefined ? { service: KEYRING_SERVICE } : { service: KEYRING_SERVICE, username: serverURL };
}

/**
 * Checks that the keyring can take credentials now (for `init --backend keyring`): the addon loads,
 * and on Linux the Secret Service answers with an unlocked default collection. Returns where
 * credentials will live, for a person; throws the same errors the protocol verbs would.
 */
export async function checkKeyringReady(env: Environment = process.env): Promise<string> {
  const backend = await openKeyringBackend(env);
  await loadKeyringLibrary();
  if (!usesSecretService()) {
    await backend.list();
    return process.platform === 'darwin' ? 'the macOS Keychain' : 'the Windows Credential Manager';
  }
  const report = await inspectSecretService(env, { attributes: { service: KEYRING_SERVICE }, timeoutMs: 3000 });
  const problem = judgeReport(report, { writing: true });
  if (problem) throw problem;
  const service = report.service;
  return service.state === 'ready' ? `the Secret Service, collection "${service.collection.label}"` : 'the Secret Service';
}
