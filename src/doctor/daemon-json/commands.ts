/**
 * The commands daemon-json prints. When daemon.json is not the person's to write, the entry is added by
 * this same executable run with sudo (`add-insecure-registry`): the same edit `--fix` makes (only text
 * inserted, every other byte kept, the result checked, replaced atomically with mode and owner kept),
 * rather than `sudo $EDITOR`, where a forgotten comma is the very mistake that stops dockerd. The path and
 * the entries are given on the command line because sudo resets the environment and HOME.
 */
import { selfInvocation } from '../../agent/start.js';
import { shellQuote } from '../../text/shell-quote.js';

function self(): string[] {
  try {
    const invocation = selfInvocation(process.execPath, process.argv, 'bun' in process.versions);
    return [invocation.file, ...invocation.args];
  } catch {
    return ['docker-credential-tsstore'];
  }
}

export function sudoAddCommand(daemonJson: string, entries: readonly string[]): string {
  return ['sudo', ...self(), 'add-insecure-registry', '--daemon-json', daemonJson, ...entries].map(shellQuote).join(' ');
}

export function restartCommand(rootless: boolean): string {
  return rootless ? 'systemctl --user restart docker' : 'sudo systemctl restart docker';
}

/**
 * dockerd rereads insecure-registries and registry-mirrors on SIGHUP, and keeps its containers running;
 * docker's systemd units (Debian's and the rootless one of dockerd-rootless-setuptool.sh) send it on reload.
 */
export function reloadCommand(rootless: boolean): string {
  return rootless ? 'systemctl --user reload docker' : 'sudo systemctl reload docker';
}

/** The reload without systemd (the system daemon only: a rootless one runs under rootlesskit). */
export const HANG_UP_COMMAND = 'sudo kill -HUP $(pidof dockerd)';

/** How a person reloads the daemon, said in one clause. */
export function reloadAdvice(rootless: boolean): string {
  const command = reloadCommand(rootless);
  return rootless ? command : `${command}, or without systemd ${HANG_UP_COMMAND}`;
}

export function editCommand(path: string, writable: boolean): string {
  return `${writable ? '' : 'sudo '}\${EDITOR:-nano} ${shellQuote(path)}`;
}
