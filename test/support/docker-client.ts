/**
 * A docker CLI that uses exactly the built single file as its credsStore: a fresh HOME whose PATH holds only
 * a folder with `docker` and `docker-credential-tsstore` (a symlink to dist/), so no other
 * docker-credential-* can be picked, and whose config.json names `"credsStore": "tsstore"` (without it
 * docker would pick `pass` by itself). With a daemon, DOCKER_HOST points at it.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { HELPER_BINARY, type HelperResult, type TemporaryHome, runHelper, temporaryHome } from './helper-binary.js';
import { findOnPath } from './real-components.js';
import type { RegistryUser } from './registry.js';

export interface DockerClient {
  home: TemporaryHome;
  env: Record<string, string>;
  configFile: string;
  credentialsDir: string;
  docker(args: readonly string[], input?: string): Promise<HelperResult>;
  helper(args: readonly string[], input?: string): Promise<HelperResult>;
  login(user: RegistryUser, host: string): Promise<HelperResult>;
  config(): unknown;
}

export interface DockerClientOptions {
  daemonHost?: string;
  /** The helper to use instead of the built single file (an installed package's, for the release tests). */
  helper?: string;
  /** Folders appended to PATH (an npm-installed helper needs node). */
  extraPath?: readonly string[];
  /** A command that runs each docker and helper process (e.g. nsenter into a mount namespace). */
  launcher?: readonly string[];
}

/** A fresh HOME in which docker uses exactly our helper and nothing else. */
export function dockerClient(options: DockerClientOptions = {}): DockerClient {
  const home = temporaryHome('tsstore-e2e-docker-');
  const bin = join(home.home, 'bin');
  mkdirSync(bin, { mode: 0o700 });
  const dockerProgram = findOnPath('docker');
  if (!dockerProgram) throw new Error('docker is not on PATH');
  symlinkSync(dockerProgram, join(bin, 'docker'));
  const helperBinary = options.helper ?? HELPER_BINARY;
  symlinkSync(helperBinary, join(bin, 'docker-credential-tsstore'));
  // PATH is only `bin`; the pgp backend is named so the store files asserted below are where we look.
  const env: Record<string, string> = { ...home.env, PATH: [bin, ...(options.extraPath ?? [])].join(':'), TSSTORE_BACKEND: 'pgp' };
  const [launcher, ...launcherArgs] = options.launcher ?? [];
  if (options.daemonHost) env.DOCKER_HOST = options.daemonHost;
  const dockerConfigDir = envValue(env, 'DOCKER_CONFIG');
  mkdirSync(dockerConfigDir, { recursive: true, mode: 0o700 });
  const configFile = join(dockerConfigDir, 'config.json');
  writeFileSync(configFile, '{\n\t"credsStore": "tsstore"\n}\n', { mode: 0o600 });
  const run = async (file: string, args: readonly string[], input?: string): Promise<HelperResult> => {
    const result = await execa(launcher ?? file, launcher ? [...launcherArgs, file, ...args] : args, {
      input: input ?? '',
      env,
      extendEnv: false,
      reject: false,
      cwd: home.home,
      timeout: 60_000,
    });
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
  };
  return {
    home,
    env,
    configFile,
    credentialsDir: join(envValue(env, 'TSSTORE_HOME'), 'pgp', 'credentials'),
    docker: (args, input) => run(join(bin, 'docker'), args, input),
    helper: (args, input) =>
      launcher ? runHelper([...launcherArgs, helperBinary, ...args], { binary: launcher, input, env, cwd: home.home }) : runHelper(args, { binary: helperBinary, input, env, cwd: home.home }),
    // The password only ever travels on stdin.
    login: (user, host) => run(join(bin, 'docker'), ['login', '-u', user.username, '--password-stdin', host], user.password),
    config: () => JSON.parse(readFileSync(configFile, 'utf8')) as unknown,
  };
}

/** A variable the temporary HOME always sets. */
export function envValue(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (value === undefined) throw new Error(`${name} is not set in the test environment`);
  return value;
}

