/** A DoctorContext over in-memory config.json, PATH and store, for unit tests of checks and the runner. */
import { MemoryBackend } from '../support/memory-backend.js';
import type { DockerConfig, DockerConfigFile } from '../../src/docker/config-file.js';
import { configFileFromText, parseDockerConfig } from '../../src/docker/config-file.js';
import { type DockerConfigRead, type DoctorContext, configIsRewritable } from '../../src/doctor/context.js';
import type { HelperOutput } from '../../src/credential-helper/run.js';
import type { HttpOutcome } from '../../src/registry/http-request.js';
import type { PresentedChain } from '../../src/registry/presented-chain.js';
import { describeError } from '../../src/errors.js';
import type { DaemonInfoRead } from '../../src/docker/daemon-info.js';
import type { DaemonRead } from '../../src/docker/daemon-settings.js';
import { DaemonView } from '../../src/doctor/daemon-view.js';

export interface FakeOptions {
  configText?: string;
  helpers?: string[];
  /** Answers of other helpers, by helper name and `verb input`. */
  helperAnswers?: Record<string, Record<string, HelperOutput>>;
  fixing?: boolean;
}

export class FakeContext implements DoctorContext {
  readonly env = { HOME: '/home/u', PATH: '/bin' };
  readonly login = false;
  readonly interactive = false;
  readonly fixing: boolean;
  readonly backend = new MemoryBackend();
  configText: string | undefined;
  writes: string[] = [];
  helpers: Set<string>;
  helperAnswers: Record<string, Record<string, HelperOutput>>;
  private readonly daemon = new DaemonView(this.env, () => this.readDockerConfig(), async () => ({ answered: false, reason: 'no docker in FakeContext' }));

  constructor(options: FakeOptions = {}) {
    this.configText = options.configText;
    this.helpers = new Set(options.helpers ?? ['tsstore']);
    this.helperAnswers = options.helperAnswers ?? {};
    this.fixing = options.fixing ?? false;
  }

  get config(): DockerConfig {
    return parseDockerConfig(this.configText ?? '', 'config.json');
  }

  readDockerConfig(): DockerConfigRead {
    if (this.configText === undefined) return { ok: true, file: { path: '/home/u/.docker/config.json', exists: false, config: {} } };
    try {
      return { ok: true, file: configFileFromText('/home/u/.docker/config.json', this.configText) };
    } catch (error) {
      return { ok: false, path: '/home/u/.docker/config.json', message: describeError(error) };
    }
  }

  async writeDockerConfig(_file: DockerConfigFile, config: DockerConfig): Promise<void> {
    this.configText = JSON.stringify(config, null, '\t');
    this.writes.push(this.configText);
  }

  async writeDockerConfigText(_file: DockerConfigFile, text: string): Promise<void> {
    this.configText = text;
    this.writes.push(text);
  }

  fixesAllowed(): boolean {
    return configIsRewritable(this.readDockerConfig());
  }

  findHelper(name: string): string | undefined {
    return this.helpers.has(name) ? `/bin/docker-credential-${name}` : undefined;
  }

  async runHelper(name: string, verb: string, input: string): Promise<HelperOutput> {
    return this.helperAnswers[name]?.[`${verb} ${input}`] ?? { stdout: 'credentials not found in native keychain\n', stderr: '', exitCode: 1 };
  }

  async store(): Promise<MemoryBackend> {
    return this.backend;
  }

  // The checks tested with this fake never reach the network or docker.
  async httpRequest(): Promise<HttpOutcome> {
    throw new Error('no network in FakeContext');
  }

  async presentedChain(): Promise<PresentedChain> {
    return { kind: 'unreachable', code: 'ECONNREFUSED', reason: 'no network in unit tests' };
  }

  async resolveHost(): Promise<string[]> {
    return [];
  }

  async runDocker(): Promise<HelperOutput> {
    throw new Error('no docker in FakeContext');
  }

  async runDockerOnTerminal(): Promise<number> {
    throw new Error('no terminal in FakeContext');
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

export const b64 = (text: string): string => Buffer.from(text).toString('base64');
