import { describe, expect, it } from 'vitest';

import { Resampler } from '../src/resampler';

function tone(frequencyHz: number, rateHz: number, seconds: number): Float32Array {
  return Float32Array.from(
    { length: Math.round(rateHz * seconds) },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * frequencyHz * i) / rateHz),
  );
}

function streamed(resampler: Resampler, input: Float32Array, chunk: number): Float32Array {
  const parts: number[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(...resampler.process(input.subarray(i, i + chunk)));
  return Float32Array.from(parts);
}

function rms(samples: Float32Array): number {
  return Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
}

describe('Resampler', () => {
  it.each([
    [48000, 16000],
    [44100, 16000],
    [16000, 24000],
    [24000, 48000],
  ])('%i Hz -> %i Hz keeps the length ratio and the level of a 440 Hz tone', (inputHz, outputHz) => {
    const input = tone(440, inputHz, 1);
    const output = streamed(new Resampler(inputHz, outputHz), input, 128);
    const expected = outputHz;
    expect(Math.abs(output.length - expected)).toBeLessThan(40); // the kernel's look-ahead is still pending
    // Compare the middle, away from the start-up edge.
    const middle = output.subarray(Math.round(outputHz * 0.1), Math.round(outputHz * 0.9));
    expect(rms(middle)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // The waveform is the tone itself at the new rate, in phase (output sample 0 is input sample 0).
    const reference = tone(440, outputHz, 1);
    let worst = 0;
    for (let i = Math.round(outputHz * 0.1); i < Math.round(outputHz * 0.9); i++) {
      worst = Math.max(worst, Math.abs(output[i] - reference[i]));
    }
    expect(worst).toBeLessThan(0.01);
  });

  it('gives the same output whatever the chunk size', () => {
    const input = tone(1000, 44100, 0.3);
    const a = streamed(new Resampler(44100, 16000), input, 128);
    const b = streamed(new Resampler(44100, 16000), input, 441);
    const c = new Resampler(44100, 16000).process(input);
    expect(b.length).toBe(a.length);
    expect(c.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      expect(b[i]).toBeCloseTo(a[i], 6);
      expect(c[i]).toBeCloseTo(a[i], 6);
    }
  });

  it('removes tones above the new Nyquist frequency instead of folding them back', () => {
    const output = streamed(new Resampler(48000, 16000), tone(12000, 48000, 0.5), 128);
    expect(rms(output.subarray(200))).toBeLessThan(0.005); // a plain decimator would give ~0.35
  });

  it('passes audio through unchanged at equal rates and refuses a zero rate', () => {
    const input = Float32Array.of(0.1, -0.2, 0.3);
    expect([...new Resampler(16000, 16000).process(input)]).toEqual([...input]);
    expect(() => new Resampler(0, 16000)).toThrow(/must be positive/);
  });
});
