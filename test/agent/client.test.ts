/** askAgent against sockets that are not a healthy agent: one that accepts and never answers (a stopped agent). */
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TIMEOUT_MS, AGENT_UNLOCK_TIMEOUT_MS, agentTimeoutFor, askAgent, isAgentSilence } from '../../src/agent/client.js';
import type { AgentLocation } from '../../src/agent/location.js';
import { TsstoreError } from '../../src/errors.js';

let dir: string;
let server: Server | undefined;
const sockets: Socket[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-client-'));
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function silentAgent(): Promise<AgentLocation> {
  const location = { dir, socket: join(dir, 'agent.sock') };
  server = createServer((socket) => {
    sockets.push(socket); // reads nothing, answers nothing: a stopped agent's socket
  });
  await new Promise<void>((resolve) => server?.listen(location.socket, resolve));
  return location;
}

describe('askAgent', () => {
  it('bounds every request: seconds for status, decrypt and lock; a little longer for unlock, which runs the S2K', () => {
    expect(agentTimeoutFor({ op: 'status' })).toBe(AGENT_TIMEOUT_MS);
    expect(agentTimeoutFor({ op: 'lock' })).toBe(AGENT_TIMEOUT_MS);
    expect(agentTimeoutFor({ op: 'decrypt', message: 'm', keyDigest: 'd' })).toBe(AGENT_TIMEOUT_MS);
    expect(agentTimeoutFor({ op: 'unlock', passphrase: 'p', ttlMs: 1000 })).toBe(AGENT_UNLOCK_TIMEOUT_MS);
    expect(AGENT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    expect(AGENT_UNLOCK_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
  });

  it('an agent that accepts the connection and never answers: one line saying so, marked as silence', async () => {
    const location = await silentAgent();
    const error = await askAgent(location, { op: 'status' }, 200).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TsstoreError);
    expect(error).toMatchObject({
      code: 'backend-unavailable',
      message: `the tsstore agent (${location.socket}) did not answer within 0.2 s (stopped or stuck?); docker-credential-tsstore lock sets it aside`,
    });
    expect(isAgentSilence(error)).toBe(true);
    expect(isAgentSilence(new TsstoreError('backend-unavailable', 'the tsstore agent closed the connection without answering'))).toBe(false);
  });

  it('no socket: no agent, nothing to wait for', async () => {
    expect(await askAgent({ dir, socket: join(dir, 'agent.sock') }, { op: 'status' })).toBeUndefined();
  });
});
