/**
 * `add-insecure-registry REGISTRY... [--daemon-json PATH]`: the edit `doctor --fix daemon-json` makes,
 * as a command of its own, for the person to run with sudo when daemon.json is root's. Says what it
 * added and that the daemon must be reloaded to use it (SIGHUP; its containers keep running).
 */
import type { Environment } from '../config/paths.js';
import { addToDaemonJson } from '../docker/daemon-json-write.js';
import { daemonPaths } from '../docker/daemon-settings.js';
import { reloadAdvice } from '../doctor/daemon-json/commands.js';
import { say } from '../text/output.js';

export async function runAddInsecureRegistry(registries: readonly string[], options: { daemonJson?: string }, env: Environment = process.env): Promise<number> {
  const paths = daemonPaths(env);
  const path = options.daemonJson ?? paths.daemonJson;
  const added = addToDaemonJson(path, registries);
  // say() makes the line safe for a terminal, path and all: escaped once, there.
  const quoted = (items: readonly string[]) => items.map((item) => JSON.stringify(item)).join(', ');
  if (added.length === 0) {
    say(`${path} already lists ${quoted(registries)} in insecure-registries; nothing changed`);
    return 0;
  }
  say(`added ${quoted(added)} to insecure-registries in ${path}; dockerd rereads it when it is reloaded, which keeps its containers running: ${reloadAdvice(paths.rootless !== undefined)}`);
  return 0;
}
