import { describe, expect, it } from 'vitest';

import { Framer } from '../src/framer';

describe('Framer', () => {
  it('cuts 128-sample render quanta into 320-sample frames without losing or repeating samples', () => {
    const framer = new Framer(320);
    const frames: Int16Array[] = [];
    let value = 0;
    for (let block = 0; block < 25; block++) {
      const input = Float32Array.from({ length: 128 }, () => (value++ % 1000) / 1000);
      frames.push(...framer.push(input));
    }
    expect(frames).toHaveLength(10); // 3200 samples
    expect(framer.pendingSamples).toBe(0);
    const all = frames.flatMap((f) => [...f]);
    expect(all).toHaveLength(3200);
    all.forEach((s, i) => expect(s).toBe(Math.round(((i % 1000) / 1000) * 32767)));
  });

  it('keeps a partial frame until it is complete, and drops it on reset', () => {
    const framer = new Framer(4);
    expect(framer.push(Float32Array.of(0.1, 0.2, 0.3))).toEqual([]);
    expect(framer.pendingSamples).toBe(3);
    const frames = framer.push(Float32Array.of(0.4, 0.5));
    expect(frames).toHaveLength(1);
    expect(framer.pendingSamples).toBe(1);
    framer.reset();
    expect(framer.pendingSamples).toBe(0);
    expect(framer.push(Float32Array.of(1, 1, 1, 1))[0][0]).toBe(32767);
  });

  it('refuses a frame size that is not a positive whole number', () => {
    expect(() => new Framer(0)).toThrow(/positive whole number/);
    expect(() => new Framer(12.5)).toThrow(/positive whole number/);
  });
});
