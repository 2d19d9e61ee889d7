/**
 * Collects items and hands them over together after `ms`: a burst of events becomes one state update
 * (one render), and every item is in exactly one batch, so none is lost between renders.
 */
export function batcher<T>(ms: number, deliver: (items: readonly T[]) => void) {
  let items: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    const batch = items;
    items = [];
    if (batch.length) deliver(batch);
  };
  return {
    push(item: T): void {
      items.push(item);
      timer ??= setTimeout(flush, ms);
    },
    cancel(): void {
      clearTimeout(timer);
      items = [];
    },
  };
}
