import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Like `command -v`: the first executable file named `program` in PATH. */
export function findOnPath(program: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
