/**
 * Runs the tasks given to it at most `concurrency` at a time, in order. Terraform commands each load
 * the AWS provider and keep a core busy, so the checks run two at a time on our 2-core machines.
 */
export function limit(concurrency: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function schedule<T>(task: () => Promise<T>): Promise<T> {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
