/**
 * No import cycles in src/: a cycle means two modules that cannot be understood (or loaded) one without
 * the other. Counts static and dynamic imports; `import type` is erased at build time and does not count.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, importGraph, runtimeImports } from '../support/import-graph.js';

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
    const cycles = findCycles(importGraph()).map((cycle) => cycle.map((file) => relative(SRC, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
