/**
 * src/'s import graph as run time sees it: static and dynamic relative imports; `import type` is erased
 * at build time and does not count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from './helper-binary.js';

export const SRC = join(PROJECT_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Modules a file's import statements load when it loads (`import x from`, `export ... from`; not `import type`). */
export function staticImports(text: string, { relativeOnly = true } = {}): string[] {
  const statement = relativeOnly ? /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm : /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  return [...text.matchAll(statement)].map((match) => match[1] as string);
}

/** Relative imports that stay at run time: `import x from`, `export ... from`, `import('...')`; not `import type`. */
export function runtimeImports(text: string): string[] {
  const specifiers = staticImports(text);
  const dynamic = /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(dynamic)) specifiers.push(match[1] as string);
  return specifiers;
}

/** Every file of src/ -> the files it imports (absolute paths). */
export function importGraph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = runtimeImports(readFileSync(file, 'utf8')).map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    edges.set(file, targets);
  }
  return edges;
}

/** Every file `start` loads, directly or through others, dynamic imports included. */
export function reachableFrom(edges: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const next of edges.get(file) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return seen;
}
