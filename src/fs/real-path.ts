/**
 * The file a path names once every symbolic link is followed, or `fallback` when it cannot be resolved
 * (nothing there yet, a dangling link, no permission). Writers of a person's files replace the file a link
 * points at, not the link (dotfile managers keep config.json and daemon.json as links).
 */
import { nodeFs } from './node-modules.js';

export function realPathOr(path: string, fallback: string = path): string {
  try {
    return nodeFs().realpathSync(path);
  } catch {
    return fallback;
  }
}
