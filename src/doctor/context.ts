/**
 * What checks may look at and change, behind one interface so each check's judgement can be unit-tested
 * with a fake. The real context reads the real files, PATH and helpers.
 */
import type { Backend } from '../backends/backend.js';
import { openBackend } from '../backends/open.js';
import type { Environment } from '../config/paths.js';
import { type DockerConfig, type DockerConfigFile, dockerConfigPath, readDockerConfig, writeDockerConfigText } from '../docker/config-file.js';
import { describeError } from '../errors.js';
import { findOnPath } from '../fs/find-on-path.js';
import { backupFile, readBackedUpText, replaceConfigFile } from '../backup/encrypted-backup.js';
import { type DockerOutput, runDockerCli, runDockerOnTerminal } from '../docker/cli.js';
import { type HelperOutput, runCredentialHelper } from '../credential-helper/run.js';
import { type HttpOutcome, type HttpRequest, httpRequest } from '../registry/http-request.js';
import { resolveHostAddresses } from '../registry/resolve-host.js';
import { type ChainRequest, type PresentedChain, fetchPresentedChain } from '../registry/presented-chain.js';
import { storeKeySource } from '../unlock/store-key-source.js';
import { PgpBackend } from '../backends/pgp/pgp-backend.js';
import { type DaemonInfoRead, readDaemonInfo } from '../docker/daemon-info.js';
import type { DaemonRead } from '../docker/daemon-settings.js';
import { DaemonView } from './daemon-view.js';

export type DockerConfigRead = { ok: true; file: DockerConfigFile } | { ok: false; path: string; message: string };

export interface DoctorContext {
  readonly env: Environment;
  /** `--login`: re-run docker login to prove the chain (the runner runs the write phases it allows). */
  readonly login: boolean;
  /** A person is at a terminal (stdin and stdout are TTYs). */
  readonly interactive: boolean;
  readDockerConfig(): DockerConfigRead;
  /** Backs up the current file into the store, then replaces it atomically (0600, keeping CRLF). */
  writeDockerConfig(file: DockerConfigFile, config: DockerConfig): Promise<void>;
  /** The same, for a fix that changes the text itself rather than the JSON value. */
  writeDockerConfigText(file: DockerConfigFile, text: string): Promise<void>;
  /** False while config.json is unreadable, or holds keys twice (docker merges them): then no fix may run. */
  fixesAllowed(): boolean;
  /** The path of `docker-credential-NAME` on PATH, if any. */
  findHelper(name: string): string | undefined;
  runHelper(name: string, verb: 'get' | 'list' | 'store' | 'erase', input: string): Promise<HelperOutput>;
  /** tsstore's own store; `forWrite` sets it up when needed, and without it nothing is written. */
  store(options: { forWrite: boolean }): Promise<Backend>;
  // registry-login's network and docker.
  /** One HTTP(S) request with a deadline; a failure is an outcome, never an exception. */
  httpRequest(request: HttpRequest): Promise<HttpOutcome>;
  /** The addresses a host name resolves to (empty when it does not resolve). */
  resolveHost(hostname: string): Promise<string[]>;
  /** The certificate chain a TLS server presents, unverified, with a deadline; never throws (certs-d). */
  presentedChain(request: ChainRequest): Promise<PresentedChain>;
  /** Runs the docker CLI with `input` on stdin (secrets go there, never in argv), stopped at `timeoutMs` (default 60 s). */
  runDocker(args: readonly string[], input: string, options?: { timeoutMs?: number }): Promise<DockerOutput>;
  /** Runs the docker CLI on the terminal, for a person to type a password; returns its exit code. */
  runDockerOnTerminal(args: readonly string[]): Promise<number>;
  // The daemon, asked once a run (src/doctor/daemon-view.ts).
  /** What the running daemon says (`docker info`, bounded); never throws. */
  daemonInfo(): Promise<DaemonInfoRead>;
  /** daemon.json, certs.d and the system's authorities, at the paths of the daemon docker talks to. */
  daemonSettings(): Promise<DaemonRead>;
  /** A fix ran: what daemonInfo and daemonSettings said is read again when next asked. */
  afterFix(): void;
}

/** No fix may run while config.json cannot be read or rewritten without losing what docker reads in it. */
export function configIsRewritable(read: DockerConfigRead): boolean {
  return read.ok && (read.file.duplicates ?? []).length === 0;
}

export class RealDoctorContext implements DoctorContext {
  private readonly daemon: DaemonView;

  constructor(
    readonly env: Environment,
    readonly login: boolean,
    readonly interactive: boolean,
  ) {
    this.daemon = new DaemonView(env, () => this.readDockerConfig(), () => readDaemonInfo((args, input, options) => this.runDocker(args, input, options)));
  }

  readDockerConfig(): DockerConfigRead {
    try {
      return { ok: true, file: readDockerConfig(this.env) };
    } catch (error) {
      return { ok: false, path: dockerConfigPath(this.env), message: describeError(error) };
    }
  }

  writeDockerConfig(file: DockerConfigFile, config: DockerConfig): Promise<void> {
    return replaceConfigFile(this.env, file, config);
  }

  async writeDockerConfigText(file: DockerConfigFile, text: string): Promise<void> {
    await backupFile(this.env, file.path, file.text ?? readBackedUpText(file.path));
    writeDockerConfigText(file, text);
  }

  fixesAllowed(): boolean {
    return configIsRewritable(this.readDockerConfig());
  }

  findHelper(name: string): string | undefined {
    return findOnPath(`docker-credential-${name}`, this.env.PATH ?? '');
  }

  runHelper(name: string, verb: 'get' | 'list' | 'store' | 'erase', input: string): Promise<HelperOutput> {
    return runCredentialHelper(`docker-credential-${name}`, verb, input, this.env);
  }

  async store(options: { forWrite: boolean }): Promise<Backend> {
    // doctor reports a locked key with the unlock command; it never stops to ask for a passphrase.
    const backend = await openBackend({ ...options, keySource: storeKeySource(this.env, { mayPrompt: false }) }, this.env);
    // A look writes nothing, not even list's cache.
    if (backend instanceof PgpBackend && !options.forWrite) backend.writesListCache = false;
    return backend;
  }

  httpRequest(request: HttpRequest): Promise<HttpOutcome> {
    return httpRequest(request);
  }

  resolveHost(hostname: string): Promise<string[]> {
    return resolveHostAddresses(hostname);
  }

  presentedChain(request: ChainRequest): Promise<PresentedChain> {
    return fetchPresentedChain(request);
  }

  runDocker(args: readonly string[], input: string, options?: { timeoutMs?: number }): Promise<DockerOutput> {
    return runDockerCli(args, input, this.env, options);
  }

  runDockerOnTerminal(args: readonly string[]): Promise<number> {
    return runDockerOnTerminal(args, this.env);
  }

  daemonInfo(): Promise<DaemonInfoRead> {
    return this.daemon.daemonInfo();
  }

  daemonSettings(): Promise<DaemonRead> {
    return this.daemon.daemonSettings();
  }

  afterFix(): void {
    this.daemon.forget();
  }
}
