/**
 * The docker daemon as the doctor sees it in one run: `docker info` asked once (bounded), and its
 * settings (daemon.json, certs.d, the system's authorities) read once, so every check judges by the same
 * paths. The daemon's own word that it runs rootless counts once docker info has been asked: daemon-json
 * asks it, before every other check that reads the settings in a full run; no check runs docker for the
 * hint alone (`doctor --login registry-login` runs docker login and nothing else). After a fix
 * (config.json may name another docker context, daemon.json may have new entries) both are forgotten.
 */
import type { DaemonInfoRead } from '../docker/daemon-info.js';
import { type DaemonRead, readDaemonSettings } from '../docker/daemon-settings.js';
import { dockerEndpoint } from '../docker/docker-endpoint.js';
import type { Environment } from '../config/paths.js';
import type { DockerConfigRead } from './context.js';

export class DaemonView {
  private info: Promise<DaemonInfoRead> | undefined;
  private read: Promise<DaemonRead> | undefined;

  constructor(
    private readonly env: Environment,
    private readonly readDockerConfig: () => DockerConfigRead,
    private readonly askDaemonInfo: () => Promise<DaemonInfoRead>,
  ) {}

  daemonInfo(): Promise<DaemonInfoRead> {
    if (this.info === undefined) {
      this.info = this.askDaemonInfo();
      // Settings read before were read without the daemon's word.
      this.read = undefined;
    }
    return this.info;
  }

  daemonSettings(): Promise<DaemonRead> {
    const asked = this.info;
    this.read ??= (async () => {
      const running = asked === undefined ? undefined : await asked;
      const config = this.readDockerConfig();
      const endpoint = dockerEndpoint(this.env, config.ok ? config.file : undefined);
      return readDaemonSettings(this.env, endpoint, running?.answered ? { securityOptions: running.info.securityOptions } : {});
    })();
    return this.read;
  }

  /** Something the view depends on may have been written. */
  forget(): void {
    this.info = undefined;
    this.read = undefined;
  }
}
