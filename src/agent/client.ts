/** One request to the agent and its answer, after checking that the socket is really ours. */
import { createConnection } from 'node:net';
import { TsstoreError } from '../errors.js';
import { FrameDecoder, encodeFrame } from './framing.js';
import { type AgentLocation, agentDirProblem, agentSocketProblem } from './location.js';
import { type AgentRequest, type AgentResponse, parseResponse, requestFrame } from './protocol.js';

/** Unlocking runs the S2K (hundreds of ms on a busy machine); a sane agent answers far within this. */
export const AGENT_TIMEOUT_MS = 30_000;

/** Whether a socket file is there at all: one lstat, so an unprotected store pays nothing more. */
export function agentMayBeRunning(location: AgentLocation): boolean {
  return agentSocketProblem(location.socket) !== 'it does not exist';
}

/**
 * Sends `request` and returns the answer; undefined when no agent listens (no socket, or one left by
 * an agent that died). A socket or folder that is not ours is refused before anything is sent.
 */
export async function askAgent(location: AgentLocation, request: AgentRequest, timeoutMs = AGENT_TIMEOUT_MS): Promise<AgentResponse | undefined> {
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
          reject(new TsstoreError('backend-unavailable', `the tsstore agent (${location.socket}) did not answer within ${timeoutMs / 1000} s`)),
        ),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(encodeFrame(requestFrame(request))));
    socket.on('data', (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        settle(() => reject(error));
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
