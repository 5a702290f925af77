/** One request to the agent and its answer, after checking that the socket is really ours. */
import { createConnection } from 'node:net';
import { TsstoreError, isTsstoreError } from '../errors.js';
import { FrameDecoder, encodeFrame } from './framing.js';
import { type AgentLocation, agentDirProblem, agentSocketProblem } from './location.js';
import { type AgentRequest, type AgentResponse, parseResponse, requestFrame } from './protocol.js';

/**
 * How long an agent may take to answer. status, decrypt and lock take milliseconds; a stopped (SIGSTOP)
 * or wedged agent accepts the connection and never answers, and docker waits with no limit of its own.
 */
export const AGENT_TIMEOUT_MS = 5_000;
/** Unlocking runs the S2K (tens of ms, hundreds on a busy machine); sent only right after a person typed. */
export const AGENT_UNLOCK_TIMEOUT_MS = 15_000;

/** Marks the error of an agent that did not answer in time (lock then takes its socket away). */
const SILENT = new Error('the agent did not answer');

export function isAgentSilence(error: unknown): boolean {
  return isTsstoreError(error, 'backend-unavailable') && error.cause === SILENT;
}

export function agentTimeoutFor(request: AgentRequest): number {
  return request.op === 'unlock' ? AGENT_UNLOCK_TIMEOUT_MS : AGENT_TIMEOUT_MS;
}

/** Whether a socket file is there at all: one lstat, so an unprotected store pays nothing more. */
export function agentMayBeRunning(location: AgentLocation): boolean {
  return agentSocketProblem(location.socket) !== 'it does not exist';
}

/**
 * Sends `request` and returns the answer; undefined when no agent listens (no socket, or one left by
 * an agent that died). A socket or folder that is not ours is refused before anything is sent.
 */
export async function askAgent(location: AgentLocation, request: AgentRequest, timeoutMs = agentTimeoutFor(request)): Promise<AgentResponse | undefined> {
  const socketProblem = agentSocketProblem(location.socket);
  if (socketProblem === 'it does not exist') return undefined;
  const dirProblem = agentDirProblem(location.dir);
  // A recorded folder in the shared temporary folder that is not ours: another user took its name
  // after a reboot. Nothing of ours listens there (the next unlock moves to a new folder).
  if (dirProblem && location.recorded) return undefined;
  if (dirProblem) throw new TsstoreError('unsafe-permissions', `the agent folder ${location.dir} is not private: ${dirProblem}; remove it`);
  if (socketProblem) throw new TsstoreError('unsafe-permissions', `the agent socket ${location.socket} is not ours: ${socketProblem}; remove it`);
  return new Promise<AgentResponse | undefined>((resolve, reject) => {
    const socket = createConnection(location.socket);
    const decoder = new FrameDecoder();
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            new TsstoreError(
              'backend-unavailable',
              `the tsstore agent (${location.socket}) did not answer within ${timeoutMs / 1000} s (stopped or stuck?); docker-credential-tsstore lock sets it aside`,
              { cause: SILENT },
            ),
          ),
        ),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(encodeFrame(requestFrame(request))));
    socket.on('data', (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        settle(() => reject(error instanceof Error ? error : new TsstoreError('backend-unavailable', 'the tsstore agent sent something unreadable')));
        return;
      }
      const [first] = frames;
      if (first === undefined) return;
      const response = parseResponse(first);
      settle(() =>
        response ? resolve(response) : reject(new TsstoreError('backend-unavailable', 'the tsstore agent answered something this version does not understand; run docker-credential-tsstore lock')),
      );
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A socket file with nobody behind it: the agent died without removing it.
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') settle(() => resolve(undefined));
      else settle(() => reject(new TsstoreError('backend-unavailable', `cannot reach the tsstore agent (${location.socket}): ${error.message}`)));
    });
    socket.on('close', () => settle(() => reject(new TsstoreError('backend-unavailable', 'the tsstore agent closed the connection without answering'))));
  });
}
