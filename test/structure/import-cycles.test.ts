/**
 * No import cycles in src/: a cycle means two modules that cannot be understood (or loaded) one without
 * the other. Counts static and dynamic imports; `import type` is erased at build time and does not count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/helper-binary.js';

const SRC = join(PROJECT_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Relative imports that stay at run time: `import x from`, `export ... from`, `import('...')`; not `import type`. */
export function runtimeImports(text: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
  const dynamic = /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(statement)) specifiers.push(match[1] as string);
  for (const match of text.matchAll(dynamic)) specifiers.push(match[1] as string);
  return specifiers;
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = runtimeImports(readFileSync(file, 'utf8')).map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    edges.set(file, targets);
  }
  return edges;
}

function findCycles(edges: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('src/ imports', () => {
  it('finds the imports that count', () => {
    expect(runtimeImports("import { a } from './a.js';\nimport type { B } from './b.js';\nexport { c } from '../c.js';\nconst d = await import('./d.js');\nimport './e.js';")).toEqual([
      './a.js',
      '../c.js',
      './e.js',
      './d.js',
    ]);
  });

  it('form no cycle', () => {
    const cycles = findCycles(graph()).map((cycle) => cycle.map((file) => relative(SRC, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
