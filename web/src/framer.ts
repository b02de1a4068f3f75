// Cuts a stream of mono samples of any chunk size into fixed frames (20 ms of PCM16 for the wire).

import { floatToPcm16 } from './protocol';

export class Framer {
  private readonly pending: Float32Array;
  private filled = 0;

  constructor(readonly frameSamples: number) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) {
      throw new Error(`frame size ${frameSamples} must be a positive whole number of samples`);
    }
    this.pending = new Float32Array(frameSamples);
  }

  // Returns every frame completed by `input`; a partial frame waits for the next call.
  push(input: Float32Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let offset = 0;
    while (offset < input.length) {
      const take = Math.min(this.frameSamples - this.filled, input.length - offset);
      this.pending.set(input.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameSamples) {
        frames.push(floatToPcm16(this.pending));
        this.filled = 0;
      }
    }
    return frames;
  }

  // Drops a partial frame (push-to-talk released, capture stopped).
  reset(): void {
    this.filled = 0;
  }

  get pendingSamples(): number {
    return this.filled;
  }
}
