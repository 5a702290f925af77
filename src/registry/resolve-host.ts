/** Name resolution with a bound: docker's insecure-registries rules need a registry's addresses. */
/** The addresses a host name resolves to; empty when it does not, or when the resolver is too slow. */
export async function resolveHostAddresses(hostname: string, timeoutMs = 3_000): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
  });
  const found = lookup(hostname, { all: true }).then(
    (entries) => entries.map((entry) => entry.address),
    () => [],
  );
  try {
    return await Promise.race([found, giveUp]);
  } finally {
    clearTimeout(timer);
  }
}
