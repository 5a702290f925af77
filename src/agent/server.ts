/**
 * The agent: a small process that holds the unlocked store key in memory, and only there, for a TTL.
 * It decrypts messages on request and never hands the key out. It exits when the TTL passes, on `lock`,
 * when its socket is removed or replaced, or when nobody unlocked it soon after it started.
 */
import { chmodSync, lstatSync, unlinkSync, writeSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import type { PrivateKey } from 'openpgp';
import { type PgpLayout, pgpLayout } from '../backends/pgp/layout.js';
import { readStoreKeyText } from '../backends/pgp/store-key-file.js';
import { describeError, isTsstoreError } from '../errors.js';
import { FrameDecoder, encodeFrame } from './framing.js';
import { prepareAgentDir } from './location.js';
import { ALREADY_RUNNING_LINE, READY_LINE } from './ready.js';
import { type AgentRequest, type AgentResponse, type AgentState, keyDigest, parseRequest, responseFrame } from './protocol.js';

/**
 * An agent nobody unlocked (the asking process was killed) does not linger. Longer than a prompt may
 * wait for its passphrase (PROMPT_TIMEOUT_MS), since the agent starts while the person types.
 */
const IDLE_WITHOUT_KEY_MS = 180_000;
/** How often the agent checks its socket file is still its own. */
const WATCH_INTERVAL_MS = 2_000;
/** A client that connects and says nothing is dropped. */
const CONNECTION_IDLE_MS = 30_000;

export interface AgentOptions {
  socket: string;
  dir: string;
  storeRoot: string;
}

interface Held {
  key: PrivateKey;
  digest: string;
  expiresAt: number;
}

export async function runAgent(options: AgentOptions): Promise<number> {
  prepareAgentDir(options.dir);
  const agent = new Agent(options);
  const server = createServer({ allowHalfOpen: false }, (connection) => serveConnection(connection, agent));
  if (!(await listen(server, options.socket))) {
    writeSync(1, `${ALREADY_RUNNING_LINE}\n`);
    return 0;
  }
  agent.started(server);
  writeSync(1, `${READY_LINE} ${process.pid}\n`);
  // Parsing openpgp takes a while; do it now, while the person is still typing.
  void import('../backends/pgp/openpgp-crypto.js').then((crypto) => crypto.preloadOpenpgp()).catch(() => undefined);
  return new Promise<number>(() => undefined); // runs until shutdown() exits the process
}

/** The key it holds, the timers that end it, and the socket it listens on. */
class Agent {
  private held: Held | undefined;
  private server: Server | undefined;
  private socketIno: number | undefined;
  private ttlTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private readonly layout: PgpLayout;

  constructor(private readonly options: AgentOptions) {
    this.layout = pgpLayout(options.storeRoot);
  }

  /** Once listening: the socket is marked ours and watched, and the ways to end are set up. */
  started(server: Server): void {
    const socket = this.options.socket;
    this.server = server;
    chmodSync(socket, 0o600); // the folder already keeps others out; this says so on the socket too
    this.socketIno = inode(socket);
    this.idleTimer = setTimeout(() => {
      if (!this.held) this.shutdown();
    }, IDLE_WITHOUT_KEY_MS);
    this.watchTimer = setInterval(() => {
      if (inode(socket) !== this.socketIno) this.shutdown();
    }, WATCH_INTERVAL_MS);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => this.shutdown());
    process.on('SIGHUP', () => undefined); // no terminal to hang up on: it was started in its own session
  }

  /** Removes the socket only while it is still ours: a newer agent may have replaced it. */
  removeSocket(): void {
    if (this.socketIno !== undefined && inode(this.options.socket) === this.socketIno) {
      try {
        unlinkSync(this.options.socket);
      } catch {
        // gone already
      }
    }
    this.socketIno = undefined;
  }

  shutdown(code = 0): never {
    this.held = undefined;
    clearTimeout(this.ttlTimer);
    clearInterval(this.watchTimer);
    clearTimeout(this.idleTimer);
    this.server?.close();
    this.removeSocket();
    process.exit(code);
  }

  state(): AgentState {
    const held = this.held;
    return {
      unlocked: held !== undefined,
      pid: process.pid,
      expiresAt: held?.expiresAt ?? null,
      fingerprint: held?.key.getFingerprint() ?? null,
      keyDigest: held?.digest ?? null,
    };
  }

  async handle(request: AgentRequest): Promise<AgentResponse> {
    switch (request.op) {
      case 'status':
        return { ok: true, state: this.state() };
      case 'lock':
        this.held = undefined;
        return { ok: true, state: this.state() };
      case 'unlock':
        return this.unlock(request.passphrase, request.ttlMs);
      case 'decrypt':
        return this.decrypt(request.message, request.keyDigest);
    }
  }

  private async unlock(passphrase: string, ttlMs: number): Promise<AgentResponse> {
    const crypto = await import('../backends/pgp/openpgp-crypto.js');
    const text = readStoreKeyText(this.layout.privateKeyFile);
    const key = await crypto.readStorePrivateKey(text, this.layout.privateKeyFile);
    if (!crypto.isLocked(key)) return { ok: false, error: 'failed', message: 'the store key has no passphrase: nothing to unlock' };
    let unlocked: PrivateKey;
    try {
      unlocked = await crypto.unlockStoreKey(key, passphrase);
    } catch (error) {
      if (error instanceof crypto.WrongPassphraseError) return { ok: false, error: 'wrong-passphrase', message: error.message };
      throw error;
    }
    this.held = { key: unlocked, digest: keyDigest(text), expiresAt: Date.now() + ttlMs };
    clearTimeout(this.ttlTimer);
    this.ttlTimer = setTimeout(() => this.shutdown(), ttlMs);
    return { ok: true, state: this.state() };
  }

  private async decrypt(message: string, digest: string): Promise<AgentResponse> {
    const held = this.held;
    if (!held) return { ok: false, error: 'locked', message: 'the agent holds no unlocked key' };
    if (digest !== held.digest) return { ok: false, error: 'stale-key', message: 'the store key changed since it was unlocked' };
    const crypto = await import('../backends/pgp/openpgp-crypto.js');
    return { ok: true, plaintext: await crypto.decryptMessage(message, held.key, 'the message') };
  }
}

/** Frames in, one answer per request, in order; a connection that says nothing is dropped. */
function serveConnection(connection: Socket, agent: Agent): void {
  const decoder = new FrameDecoder();
  let queue = Promise.resolve();
  connection.setTimeout(CONNECTION_IDLE_MS, () => connection.destroy());
  connection.on('error', () => connection.destroy());
  connection.on('data', (chunk: Buffer) => {
    let frames: unknown[];
    try {
      frames = decoder.push(chunk);
    } catch {
      connection.destroy();
      return;
    }
    for (const received of frames) queue = queue.then(() => answer(connection, agent, received));
  });
}

async function answer(connection: Socket, agent: Agent, received: unknown): Promise<void> {
  const request = parseRequest(received);
  const response = 'invalid' in request ? { ok: false as const, error: 'bad-request' as const, message: request.invalid } : await respond(agent, request);
  const locking = !('invalid' in request) && request.op === 'lock';
  // Gone before `lock` returns: whoever runs next finds no socket, not a dying agent.
  if (locking) agent.removeSocket();
  const frame = encodeFrame(responseFrame(response));
  // After a lock, exit once the answer is handed to the kernel, whatever the client does next.
  if (connection.destroyed) {
    if (locking) agent.shutdown();
  } else {
    connection.write(frame, () => (locking ? agent.shutdown() : undefined));
  }
}

async function respond(agent: Agent, request: AgentRequest): Promise<AgentResponse> {
  try {
    return await agent.handle(request);
  } catch (error) {
    // Messages of TsstoreErrors are written for people and hold no secret; others are summarised.
    return { ok: false, error: 'failed', message: isTsstoreError(error) ? error.message : describeError(error) };
  }
}

function inode(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Listens on `path`; false when a live agent already does. A socket left by a dead agent is replaced. */
async function listen(server: Server, path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(path, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!error) return true;
    if (error.code !== 'EADDRINUSE') throw error;
    if (await answers(path)) return false;
    try {
      unlinkSync(path);
    } catch {
      // another starting agent removed it first
    }
  }
  return answers(path).then((alive) => {
    if (alive) return false;
    throw new Error(`cannot listen on ${path}`);
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
