/**
 * `doctor --login`: `docker login -u USER --password-stdin` re-runs each stored login, so docker itself
 * proves the whole chain (docker, its helper, the registry), one at a time since each rewrites
 * config.json; at a terminal, a registry docker uses without a login gets a `docker login` the person
 * answers. docker drops the config.json keys it does not know: they are put back.
 */
import { setOwn } from '../../docker/auths.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { describeError } from '../../errors.js';
import { registryTarget } from '../../registry/endpoints.js';
import { IDENTITY_TOKEN_USERNAME } from '../../registry/login-probe.js';
import type { DockerConfigRead, DoctorContext } from '../context.js';
import { type GatheredLogins, type KnownLogin, dockerStoreFor, sourceName } from './logins.js';
import { guarded } from './probe-logins.js';
import { type Verdict, describeSubject, dockerKey, dockerLoginTarget, loginCommandFor } from './wording.js';

/** `verdicts` with what the re-run logins found added (and a login typed at the terminal replacing its problem). */
export async function reRunLogins(context: DoctorContext, gathered: Pick<GatheredLogins, 'logins' | 'withoutLogin'>, verdicts: readonly Verdict[]): Promise<Verdict[]> {
  const all = [...verdicts];
  const before = context.readDockerConfig();
  const { logins } = gathered;
  for (const login of logins) all.push(await guarded(login, 're-running docker login', () => reLogin(context, login, logins, before.ok ? before.file.config : {})));
  // No secret to re-use: a person at the terminal types it to docker itself.
  if (context.interactive) {
    for (const { key, target, verdict } of gathered.withoutLogin) {
      const args = ['login', ...dockerLoginTarget(target)];
      const code = await context.runDockerOnTerminal(args).catch((error: unknown) => describeError(error));
      if (code === 0) all[all.indexOf(verdict)] = { problem: false, line: `${key}: docker ${args.join(' ')} succeeded at the terminal`, commands: [] };
      else if (typeof code === 'string') all.push({ problem: true, line: `${key}: docker ${args.join(' ')} at the terminal failed: ${code}`, commands: [] });
    }
  }
  const restored = await restoreDroppedKeys(context, before);
  if (restored !== undefined) all.push(restored);
  return all;
}

async function reLogin(context: DoctorContext, login: KnownLogin, all: readonly KnownLogin[], config: DockerConfig): Promise<Verdict> {
  const who = describeSubject(login);
  const target = registryTarget(login.key);
  if (target === undefined) return { problem: false, line: `${who}: not re-running docker login: the key names no registry host`, commands: [] };
  if (login.username === IDENTITY_TOKEN_USERNAME) {
    return {
      problem: false,
      line: `${who}: not re-running docker login: an identity token cannot be given to docker login --password-stdin (it takes a password); to renew it run: ${loginCommandFor(target, login.username)}`,
      commands: [],
    };
  }
  const canonical = dockerKey(target);
  const dockerStore = dockerStoreFor(config, canonical);
  if (login.store === 'config' || dockerStore === 'config') {
    return { problem: false, line: `${who}: not re-running docker login: docker would write the password into config.json in plain text (see creds-store)`, commands: [] };
  }
  if (dockerStore !== login.store) {
    return { problem: false, line: `${who}: not re-running docker login: docker would store the login in ${sourceName(dockerStore)}, not in ${sourceName(login.store)}`, commands: [] };
  }
  if (canonical !== login.key && all.some((other) => other.key === canonical && other.store === login.store)) {
    return { problem: false, line: `${who}: not re-running docker login: docker would store it as ${canonical}, replacing the login kept there (that one is re-run)`, commands: [] };
  }
  const args = ['login', '-u', login.username, '--password-stdin', ...dockerLoginTarget(target)];
  const result = await context.runDocker(args, login.secret);
  const shown = ['docker', 'login', '-u', login.username, ...dockerLoginTarget(target)].join(' ');
  if (result.exitCode === 0) {
    const under = canonical !== login.key ? `, stored as ${canonical}` : '';
    return { problem: false, line: `${who}: ${shown} --password-stdin succeeded: docker itself logged in with the stored login${under}`, commands: [] };
  }
  return { problem: true, line: `${who}: ${shown} --password-stdin failed (exit ${result.exitCode}): ${dockerError(result)}`, commands: [loginCommandFor(target, login.username)] };
}

/** docker's own error line: the one starting with "Error", else the last one it printed. */
function dockerError(output: { stdout: string; stderr: string; exitCode: number }): string {
  const lines = `${output.stderr}\n${output.stdout}`.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return (lines.find((line) => /^error/i.test(line)) ?? lines[lines.length - 1] ?? `exit ${output.exitCode}`).slice(0, 300);
}

/** The config docker wrote, with the top-level keys it dropped put back where they were. */
export function withDroppedKeys(before: DockerConfig, after: DockerConfig): { config: DockerConfig; dropped: string[] } {
  const dropped = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
  if (dropped.length === 0) return { config: after, dropped };
  const config: DockerConfig = {};
  for (const key of Object.keys(before)) setOwn(config, key, Object.hasOwn(after, key) ? after[key] : before[key]);
  for (const key of Object.keys(after)) if (!Object.hasOwn(config, key)) setOwn(config, key, after[key]);
  return { config, dropped };
}

/** docker login saves config.json without the keys it does not know: put them back. */
async function restoreDroppedKeys(context: DoctorContext, before: DockerConfigRead): Promise<Verdict | undefined> {
  if (!before.ok || !before.file.exists) return undefined;
  const after = context.readDockerConfig();
  if (!after.ok) return { problem: true, line: `after docker login, ${after.path} cannot be read: ${after.message}`, commands: [] };
  const { config, dropped } = withDroppedKeys(before.file.config, after.file.config);
  if (dropped.length === 0) return undefined;
  try {
    await context.writeDockerConfig(after.file, config);
  } catch (error) {
    return { problem: true, line: `docker login dropped ${dropped.join(', ')} from ${after.file.path} and putting them back failed: ${describeError(error)}`, commands: [] };
  }
  return { problem: false, line: `docker login dropped keys it does not know from ${after.file.path} (${dropped.join(', ')}); doctor put them back`, commands: [] };
}
