/**
 * Where the D-Bus session bus is, as libdbus finds it (and so the keyring library, which uses it):
 * DBUS_SESSION_BUS_ADDRESS and nothing else. A systemd user bus at $XDG_RUNTIME_DIR/bus is only pointed
 * out, because libdbus would not use it (and the single file cannot hand it over: bun's process.env does
 * not reach getenv(3)). Pure: the caller says whether that socket exists.
 */
import { joinPath } from '../fs/join-path.js';
import type { Environment } from '../config/paths.js';

export type BusLocation =
  | { kind: 'socket'; path: string; display: string }
  | { kind: 'unsupported'; display: string }
  | { kind: 'none'; runtimeBus?: string };

/** Unescapes D-Bus address values: %XX bytes, everything else literal. */
function unescapeValue(value: string): string {
  return decodeURIComponent(value.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
}

/** The first address in a D-Bus address list that this client can connect to. */
export function parseBusAddress(address: string): BusLocation {
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue;
    const transport = entry.slice(0, colon);
    const options = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(',')) {
      const equals = pair.indexOf('=');
      if (equals > 0) options.set(pair.slice(0, equals), unescapeValue(pair.slice(equals + 1)));
    }
    if (transport !== 'unix') continue;
    const path = options.get('path');
    if (path) return { kind: 'socket', path, display: address };
    const abstract = options.get('abstract');
    // Linux abstract sockets: Node and bun take them as a path that starts with a NUL byte.
    if (abstract) return { kind: 'socket', path: `\u0000${abstract}`, display: address };
  }
  return { kind: 'unsupported', display: address };
}

export function sessionBusLocation(env: Environment, socketExists: (path: string) => boolean): BusLocation {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address) return parseBusAddress(address);
  const runtimeDir = env.XDG_RUNTIME_DIR;
  if (runtimeDir) {
    const path = joinPath(runtimeDir, 'bus');
    if (socketExists(path)) return { kind: 'none', runtimeBus: path };
  }
  return { kind: 'none' };
}

/** Why there is no bus to talk to, for a location that is not a socket. */
export function noBusDetail(bus: BusLocation): string {
  if (bus.kind === 'unsupported') return `DBUS_SESSION_BUS_ADDRESS names no unix socket (${bus.display.slice(0, 120)})`;
  if (bus.kind === 'none' && bus.runtimeBus) {
    return `DBUS_SESSION_BUS_ADDRESS is not set, though a bus listens at ${bus.runtimeBus}: export DBUS_SESSION_BUS_ADDRESS=unix:path=${bus.runtimeBus}`;
  }
  return 'DBUS_SESSION_BUS_ADDRESS is not set';
}
