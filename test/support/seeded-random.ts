/**
 * Reproducible randomness for tests that try many orders and timings: the seed comes from
 * TSSTORE_TEST_SEED or the clock, and is printed so that a failing run can be replayed.
 */
export interface Random {
  seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  below(n: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(label: string): Random {
  const fromEnv = Number(process.env.TSSTORE_TEST_SEED);
  const seed = Number.isInteger(fromEnv) && process.env.TSSTORE_TEST_SEED ? fromEnv : Date.now() % 2 ** 31;
  console.log(`${label}: random seed ${seed} (replay with TSSTORE_TEST_SEED=${seed})`);
  let state = seed >>> 0;
  // mulberry32
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number): number => Math.floor(next() * n);
  return {
    seed,
    next,
    below,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from nothing');
      return items[below(items.length)] as (typeof items)[number];
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = below(i + 1);
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy;
    },
  };
}
