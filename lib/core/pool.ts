import { checkValue, integer } from "./validate.js";

/**
 * The one concurrency primitive: a fixed number of slots, handed out in the order they were
 * asked for. `mapLimit`, the S3 folder walk and the Allen page look-ahead are built on it.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  /** `limit` must be a whole number of at least 1 (else `InvalidArgumentError`: NaN or 0 slots would never run anything). */
  constructor(limit: number) {
    checkValue(limit, integer(1), "concurrency", "Slots");
    this.free = limit;
  }

  /** Waits for a free slot; the function it resolves to frees the slot again (once; later calls do nothing). */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }

  /** Runs `task` in a slot and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  checkValue(limit, integer(1), "concurrency", "mapLimit");
  const slots = new Slots(Math.max(1, Math.min(limit, items.length)));
  return Promise.all(items.map((item, index) => slots.run(() => task(item, index))));
}
