/**
 * Where tsstore keeps its state. TSSTORE_HOME puts everything in one folder; otherwise the XDG
 * config folder holds settings and the XDG data folder holds keys and credentials.
 */
import { isAbsolutePath, joinPath } from '../fs/join-path.js';
import { nodeOs } from '../fs/node-modules.js';

export interface TsstorePaths {
  configDir: string;
  dataDir: string;
  settingsFile: string;
  pgpDir: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function tsstorePaths(env: Environment = process.env): TsstorePaths {
  const home = env.TSSTORE_HOME;
  const configDir = home ? home : joinPath(xdgDir(env, 'XDG_CONFIG_HOME', '.config'), 'tsstore');
  const dataDir = home ? home : joinPath(xdgDir(env, 'XDG_DATA_HOME', joinPath('.local', 'share')), 'tsstore');
  return { configDir, dataDir, settingsFile: joinPath(configDir, 'settings.json'), pgpDir: joinPath(dataDir, 'pgp') };
}

/** XDG says relative values are invalid and must be ignored. */
function xdgDir(env: Environment, variable: string, fallback: string): string {
  const value = env[variable];
  return value && isAbsolutePath(value) ? value : joinPath(userHome(env), fallback);
}

export function userHome(env: Environment = process.env): string {
  return env.HOME || nodeOs().homedir();
}
