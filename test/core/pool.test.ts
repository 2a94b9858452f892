import { strict as assert } from "node:assert";
import { mapLimit, Slots } from "../../lib/core/pool.js";

const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));

describe("core: the pool", () => {
  it("mapLimit keeps the input order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n, index) => {
      running++;
      peak = Math.max(peak, running);
      await tick(n);
      running--;
      return `${index}:${n}`;
    });
    assert.deepEqual(out, ["0:5", "1:1", "2:4", "3:2", "4:3", "5:0", "6:6"]);
    assert.equal(peak, 3);
  });

  it("mapLimit keeps every slot busy: a slow item does not hold back the others", async () => {
    const finished: number[] = [];
    await mapLimit([0, 1, 2, 3], 2, async (n) => {
      await tick(n === 0 ? 60 : 1);
      finished.push(n);
    });
    assert.deepEqual(finished, [1, 2, 3, 0]);
  });

  it("Slots hands slots out in the order they were asked for and frees each once", async () => {
    const slots = new Slots(1);
    const order: string[] = [];
    const first = await slots.acquire();
    const second = slots.acquire().then((release) => (order.push("second"), release));
    const third = slots.acquire().then((release) => (order.push("third"), release));
    await tick();
    assert.equal(order.length, 0);
    first();
    first();
    (await second)();
    (await third)();
    assert.deepEqual(order, ["second", "third"]);
    await slots.run(async () => order.push("run"));
    assert.deepEqual(order, ["second", "third", "run"]);
  });
});
