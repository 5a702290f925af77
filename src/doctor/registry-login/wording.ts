/**
 * What registry-login says about one stored login, as pure functions: one line a person can act on, and
 * the exact commands where there is one. Nothing here ever sees a secret.
 */
import { DOCKER_HUB_KEY } from '../../docker/server-url.js';
import { reloadAdvice, reloadCommand, sudoAddCommand } from '../daemon-json/commands.js';
import { shellQuote } from '../../text/shell-quote.js';
import type { RegistryTarget } from '../../registry/endpoints.js';
import { IDENTITY_TOKEN_USERNAME, type ProbeResult } from '../../registry/login-probe.js';

/** The registry argument of `docker login`: none for Docker Hub, `host[:port]` otherwise. */
export function dockerLoginTarget(target: RegistryTarget): string[] {
  return target.hub ? [] : [target.indexName];
}

/** The key docker itself stores a login under after `docker login` (Hub's URL, else host[:port]). */
export function dockerKey(target: RegistryTarget): string {
  return target.hub ? DOCKER_HUB_KEY : target.indexName;
}

/**
 * `docker login [-u USER] [REGISTRY]` (no registry: Docker Hub), every word after `docker login` given
 * to the shell by `quote`: the one spelling of the command every check prints.
 */
export function dockerLoginCommand(registry: string | undefined, username: string | undefined, quote: (word: string) => string = shellQuote): string {
  const words = [...(username === undefined ? [] : ['-u', username]), ...(registry === undefined ? [] : [registry])];
  return ['docker login', ...words.map(quote)].join(' ');
}

/** The command a person runs to log in again (docker asks for the password). */
export function loginCommandFor(target: RegistryTarget, username: string): string {
  return dockerLoginCommand(dockerLoginTarget(target)[0], username === IDENTITY_TOKEN_USERNAME || username === '' ? undefined : username);
}

export interface Subject {
  key: string;
  username: string;
  /** Where the login is kept: "tsstore", "config.json", "docker-credential-pass". */
  source: string;
}

export function describeSubject(subject: Subject): string {
  const who = subject.username === IDENTITY_TOKEN_USERNAME ? 'an identity token' : subject.username;
  return `${subject.key} (${who}, in ${subject.source})`;
}

export interface Verdict {
  problem: boolean;
  line: string;
  commands: string[];
}

export interface WordingPaths {
  daemonJson: string;
  certsD: string;
  /** The daemon runs rootless: it is reloaded with `systemctl --user`. */
  rootless: boolean;
  /** This user may edit daemonJson: `doctor --fix daemon-json` makes the edit; else the same edit under sudo. */
  daemonJsonWritable: boolean;
}

/** The command that makes daemon-json's edit: its own fix, or add-insecure-registry under sudo (a root-owned file). */
export function insecureRegistryCommand(paths: WordingPaths, entry: string): string {
  return paths.daemonJsonWritable ? 'docker-credential-tsstore doctor --fix daemon-json' : sudoAddCommand(paths.daemonJson, [entry]);
}

export function describeProbe(result: ProbeResult, subject: Subject, target: RegistryTarget, paths: WordingPaths): Verdict {
  const who = describeSubject(subject);
  const certsDir = `${paths.certsD}/${target.indexName}`;
  switch (result.kind) {
    case 'ok': {
      const how =
        result.how === 'anonymous'
          ? 'answers without asking for a login, so there is nothing to verify'
          : `accepts this login (${result.how === 'basic' ? 'Basic' : 'token'} authentication at ${result.url})`;
      return { problem: false, line: `${who}: the registry ${how}`, commands: [] };
    }
    case 'rejected': {
      const what = subject.username === IDENTITY_TOKEN_USERNAME ? 'the identity token is expired or revoked' : 'the password or token is wrong, expired or revoked';
      return {
        problem: true,
        line: `${who}: the registry refuses this login (HTTP ${result.status} from ${result.url}): ${what}; log in again`,
        commands: [loginCommandFor(target, subject.username)],
      };
    }
    case 'unreachable':
      return { problem: true, line: `${who}: cannot reach ${result.url}: ${result.reason}; check the name, the network and any proxy`, commands: [] };
    case 'tls-unknown-authority':
      return {
        problem: true,
        line:
          `${who}: ${result.url} presents a certificate signed by an unknown authority (${result.reason}); docker trusts that authority ` +
          `once its certificate (REGISTRY-CA.crt below) is in ${certsDir}/ca.crt`,
        commands: [`sudo mkdir -p ${shellQuote(certsDir)}`, `sudo cp REGISTRY-CA.crt ${shellQuote(`${certsDir}/ca.crt`)}`],
      };
    case 'tls-other':
      return { problem: true, line: `${who}: TLS with ${result.url} fails: ${result.reason}`, commands: [] };
    case 'http-to-https':
      // The same advice as daemon-json's: the edit that keeps every other byte (no editor, where a lost
      // comma stops dockerd), then a reload, which dockerd takes for insecure-registries (SIGHUP).
      return {
        problem: true,
        line:
          `${who}: http: server gave HTTP response to HTTPS client (${result.url}): the registry speaks plain HTTP, which docker uses only for ` +
          `loopback addresses and registries listed in "insecure-registries" of ${paths.daemonJson}; add "${target.indexName}" there (see daemon-json) and reload the daemon ` +
          `(it rereads insecure-registries on SIGHUP, and keeps its containers running: ${reloadAdvice(paths.rootless)}), or give the registry a TLS certificate`,
        commands: [insecureRegistryCommand(paths, target.indexName), reloadCommand(paths.rootless)],
      };
    case 'unexpected':
      return { problem: true, line: `${who}: ${result.url ? `${result.url}: ` : ''}${result.reason}`, commands: [] };
  }
}
