/** tsstore's own settings file: which backend this user chose. Written once, never switched silently. */
import { type BackendName, isBackendName } from '../backends/backend.js';
import { TsstoreError, fileSystemError, isTsstoreError } from '../errors.js';
import { fileCalls } from '../fs/file-calls.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/private-files.js';
import type { TsstorePaths } from './paths.js';

/** It holds one short JSON object ({"backend":"pgp"}); 64 KiB is room for any hand edit. */
export const MAX_SETTINGS_BYTES = 64 * 1024;

export interface Settings {
  backend: BackendName;
}

export function parseSettings(text: string, file: string): Settings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TsstoreError('config', `${file} is not valid JSON; fix it or remove it and run init again`, { cause });
  }
  const backend = (value as { backend?: unknown } | null)?.backend;
  if (!isBackendName(backend)) {
    throw new TsstoreError('config', `${file} names no known backend (expected "pgp" or "keyring")`);
  }
  return { backend };
}

export function readSettings(paths: TsstorePaths): Settings | undefined {
  let text: string;
  try {
    text = fileCalls().readText(paths.settingsFile, MAX_SETTINGS_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw isTsstoreError(error) ? error : fileSystemError('read', paths.settingsFile, error);
  }
  return parseSettings(text, paths.settingsFile);
}

export function writeSettings(paths: TsstorePaths, settings: Settings): void {
  ensurePrivateDir(paths.configDir);
  writeFileAtomic(paths.settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
}
