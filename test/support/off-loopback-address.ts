/**
 * An IPv4 address on this machine that is not in 127.0.0.0/8, for tests that need a registry dockerd does
 * not treat as insecure by default (it trusts only loopback): a random 10.213.X.Y/32 added to `lo` (this
 * kernel has no dummy interfaces), removed by remove() and when the test process exits. Needs root and
 * iproute2; everything else on `lo` is left alone.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { findOnPath } from './real-components.js';

export interface OffLoopbackAddress {
  address: string;
  remove(): void;
}

/** Why no address can be added here, or undefined when it can. */
export function offLoopbackUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'adding an address to lo needs root';
  if (!findOnPath('ip')) return 'ip is not installed (apt-get install iproute2)';
  return undefined;
}

export function addOffLoopbackAddress(): OffLoopbackAddress {
  const unavailable = offLoopbackUnavailable();
  if (unavailable) throw new Error(unavailable);
  for (let attempt = 0; attempt < 5; attempt++) {
    const address = `10.213.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    try {
      // `ip addr add` fails on an address already there: another test file's, then we pick again.
      execFileSync('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      continue;
    }
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      process.removeListener('exit', remove);
      try {
        execFileSync('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo'], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    };
    process.once('exit', remove);
    return { address, remove };
  }
  throw new Error('could not add a 10.213.0.0/16 address to lo (ip addr add failed five times)');
}
