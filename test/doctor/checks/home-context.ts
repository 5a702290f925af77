/**
 * A DoctorContext over a real temporary HOME (for checks that read start-up files) with an in-memory
 * store, scripted helpers, and scripted network and docker for registry-login.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MemoryBackend } from '../../support/memory-backend.js';
import { type DockerConfig, type DockerConfigFile, parseDockerConfig, serializeDockerConfig } from '../../../src/docker/config-file.js';
import type { DockerConfigRead, DoctorContext } from '../../../src/doctor/context.js';
import type { HelperOutput } from '../../../src/credential-helper/run.js';
import type { HttpOutcome, HttpRequest } from '../../../src/registry/http-request.js';
import type { ChainRequest, PresentedChain } from '../../../src/registry/presented-chain.js';
import { describeError } from '../../../src/errors.js';
import type { DaemonInfoRead } from '../../../src/docker/daemon-info.js';
import type { DaemonRead } from '../../../src/docker/daemon-settings.js';
import { DaemonView } from '../../../src/doctor/daemon-view.js';

export interface HomeContextOptions {
  env?: Record<string, string | undefined>;
  config?: DockerConfig | string;
  helpers?: string[];
  helperAnswers?: Record<string, Record<string, HelperOutput>>;
  login?: boolean;
  http?: (request: HttpRequest) => Promise<HttpOutcome> | HttpOutcome;
  /** The chain each `host:port` presents (certs-d); unlisted ones are unreachable. */
  chains?: (request: ChainRequest) => PresentedChain;
  resolve?: Record<string, string[]>;
  docker?: (args: readonly string[], input: string, context: HomeContext) => Promise<HelperOutput> | HelperOutput;
  /** A person at a terminal: docker runs there answer with this exit code. */
  terminalDocker?: (args: readonly string[]) => number;
  /** What `docker info` says (not one of `docker`'s runs); unset: no daemon answers. */
  daemonInfo?: DaemonInfoRead;
}

export class HomeContext implements DoctorContext {
  readonly home: string;
  readonly env: Record<string, string | undefined>;
  readonly login: boolean;
  readonly interactive: boolean;
  readonly fixing = false;
  readonly backend = new MemoryBackend();
  readonly requests: HttpRequest[] = [];
  readonly dockerRuns: Array<{ args: string[]; input: string }> = [];
  readonly terminalRuns: string[][] = [];
  readonly resolved: string[] = [];
  readonly chainRequests: ChainRequest[] = [];
  readonly helperRuns: string[] = [];
  readonly configWrites: DockerConfig[] = [];
  private readonly options: HomeContextOptions;
  private readonly daemon: DaemonView;

  constructor(options: HomeContextOptions = {}) {
    this.home = mkdtempSync(join(tmpdir(), 'tsstore-doctor-unit-'));
    this.options = options;
    this.login = options.login ?? false;
    this.interactive = options.terminalDocker !== undefined;
    this.env = { HOME: this.home, PATH: '/nonexistent', DOCKER_CONFIG: join(this.home, '.docker'), TSSTORE_HOME: join(this.home, 'tsstore'), ...options.env };
    this.daemon = new DaemonView(this.env, () => this.readDockerConfig(), async () => options.daemonInfo ?? { answered: false, reason: 'no daemon in HomeContext' });
    if (options.config !== undefined) {
      this.write('.docker/config.json', typeof options.config === 'string' ? options.config : JSON.stringify(options.config, null, '\t'));
    }
  }

  path(relative: string): string {
    return join(this.home, relative);
  }

  write(relative: string, text: string, mode = 0o644): string {
    const path = this.path(relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode });
    return path;
  }

  read(relative: string): string {
    return readFileSync(this.path(relative), 'utf8');
  }

  cleanup(): void {
    rmSync(this.home, { recursive: true, force: true });
  }

  readDockerConfig(): DockerConfigRead {
    const path = this.path('.docker/config.json');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return { ok: true, file: { path, exists: false, config: {} } };
    }
    try {
      return { ok: true, file: { path, exists: true, config: parseDockerConfig(text, path), text } };
    } catch (error) {
      return { ok: false, path, message: describeError(error) };
    }
  }

  async writeDockerConfig(file: DockerConfigFile, config: DockerConfig): Promise<void> {
    this.configWrites.push(config);
    writeFileSync(file.path, serializeDockerConfig(config));
  }

  async writeDockerConfigText(file: DockerConfigFile, text: string): Promise<void> {
    writeFileSync(file.path, text);
  }

  fixesAllowed(): boolean {
    return this.readDockerConfig().ok;
  }

  findHelper(name: string): string | undefined {
    return (this.options.helpers ?? ['tsstore']).includes(name) ? `/bin/docker-credential-${name}` : undefined;
  }

  async runHelper(name: string, verb: string, input: string): Promise<HelperOutput> {
    this.helperRuns.push(`${name} ${verb} ${input}`);
    return this.options.helperAnswers?.[name]?.[`${verb} ${input}`] ?? { stdout: 'credentials not found in native keychain\n', stderr: '', exitCode: 1 };
  }

  async store(): Promise<MemoryBackend> {
    return this.backend;
  }

  async httpRequest(request: HttpRequest): Promise<HttpOutcome> {
    this.requests.push(request);
    if (!this.options.http) throw new Error(`unexpected request to ${request.url}`);
    return this.options.http(request);
  }

  async presentedChain(request: ChainRequest): Promise<PresentedChain> {
    this.chainRequests.push(request);
    return this.options.chains?.(request) ?? { kind: 'unreachable', code: 'ECONNREFUSED', reason: 'connect ECONNREFUSED' };
  }

  async resolveHost(hostname: string): Promise<string[]> {
    this.resolved.push(hostname);
    return this.options.resolve?.[hostname] ?? [];
  }

  async runDocker(args: readonly string[], input: string): Promise<HelperOutput> {
    this.dockerRuns.push({ args: [...args], input });
    if (!this.options.docker) throw new Error('unexpected docker run');
    return this.options.docker(args, input, this);
  }

  async runDockerOnTerminal(args: readonly string[]): Promise<number> {
    this.terminalRuns.push([...args]);
    if (!this.options.terminalDocker) throw new Error('unexpected docker run on the terminal');
    return this.options.terminalDocker(args);
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

const made: HomeContext[] = [];
/** A HomeContext removed after the test that made it (register `cleanUpHomes` with afterEach). */
export function home(options: HomeContextOptions = {}): HomeContext {
  const context = new HomeContext(options);
  made.push(context);
  return context;
}
export function cleanUpHomes(): void {
  for (const context of made.splice(0)) context.cleanup();
}
