import { describe, expect, it } from 'vitest';

import { JitterBuffer, type PullResult } from '../src/jitter-buffer';

const RATE = 24000;
const FRAME = 480; // 20 ms
const BLOCK = 128; // one render quantum

function buffer(): JitterBuffer {
  return new JitterBuffer({ sampleRateHz: RATE, startThresholdMs: 40, maxStartWaitMs: 30, playoutReportMs: 100 });
}

function frame(value: number): Float32Array {
  return new Float32Array(FRAME).fill(value);
}

function pullBlocks(jb: JitterBuffer, count: number): { results: PullResult[]; audio: number[] } {
  const results: PullResult[] = [];
  const audio: number[] = [];
  for (let i = 0; i < count; i++) {
    const out = new Float32Array(BLOCK).fill(9);
    results.push(jb.pull(out));
    audio.push(...out);
  }
  return { results, audio };
}

describe('JitterBuffer', () => {
  it('starts as soon as the start threshold is buffered and plays frames in order', () => {
    const jb = buffer();
    jb.push(1, 0, frame(0.1));
    expect(jb.pull(new Float32Array(BLOCK)).playing).toBe(false); // 20 ms < 40 ms: waits
    jb.push(1, 1, frame(0.2));
    const { results, audio } = pullBlocks(jb, 8);
    expect(results[0].started).toBe(true);
    expect(results[0].reached).toEqual([{ turnId: 1, seq: 0 }]);
    expect(audio.slice(0, FRAME).every((s) => Math.abs(s - 0.1) < 1e-6)).toBe(true);
    expect(audio.slice(FRAME, 2 * FRAME).every((s) => Math.abs(s - 0.2) < 1e-6)).toBe(true);
    expect(audio.slice(2 * FRAME).every((s) => s === 0)).toBe(true); // silence, not stale data
    expect(results.flatMap((r) => r.reached).map((r) => r.seq)).toEqual([0, 1]);
  });

  it('starts a lone frame within 50 ms even below the threshold', () => {
    const jb = buffer();
    jb.push(1, 0, frame(0.5));
    let waitedMs = 0;
    let started = false;
    while (!started && waitedMs < 100) {
      started = jb.pull(new Float32Array(BLOCK)).started;
      waitedMs += (BLOCK * 1000) / RATE;
    }
    expect(started).toBe(true);
    expect(waitedMs).toBeLessThanOrEqual(50);
  });

  it('counts an underrun when a reply runs dry and then continues, not when it ends', () => {
    const jb = buffer();
    jb.push(1, 0, frame(0.1));
    jb.push(1, 1, frame(0.1));
    pullBlocks(jb, 10); // plays both frames, then runs dry
    expect(jb.isPlaying).toBe(false);
    expect(jb.underruns).toBe(0);
    jb.push(1, 2, frame(0.1));
    jb.push(1, 3, frame(0.1));
    const { results } = pullBlocks(jb, 2);
    expect(results.some((r) => r.underrun)).toBe(true);
    expect(jb.underruns).toBe(1);
    pullBlocks(jb, 10);
    jb.push(2, 0, frame(0.1)); // the next turn starting is not an underrun
    jb.push(2, 1, frame(0.1));
    pullBlocks(jb, 10);
    expect(jb.underruns).toBe(1);
  });

  it('flushes at once: the very next block is silent and late frames of that turn are refused', () => {
    const jb = buffer();
    for (let seq = 0; seq < 10; seq++) jb.push(4, seq, frame(0.3));
    pullBlocks(jb, 2);
    expect(jb.isPlaying).toBe(true);
    const dropped = jb.flush(4);
    expect(dropped).toBe(10 * FRAME - 2 * BLOCK);
    expect(jb.bufferedMs).toBe(0);
    const { results, audio } = pullBlocks(jb, 1);
    expect(results[0].playing).toBe(false);
    expect(audio.every((s) => s === 0)).toBe(true);
    expect(jb.push(4, 10, frame(0.3))).toBe(false);
    expect(jb.push(3, 0, frame(0.3))).toBe(false);
    expect(jb.push(5, 0, frame(0.3))).toBe(true); // the next turn plays
  });

  it('plays a resumed reply again after allow(), from the repeated sentence start', () => {
    const jb = buffer();
    for (let seq = 0; seq < 6; seq++) jb.push(3, seq, frame(0.3));
    pullBlocks(jb, 4);
    jb.flush(3);
    expect(jb.push(3, 6, frame(0.3))).toBe(false); // still in flight from before the barge-in
    jb.allow(3);
    expect(jb.push(3, 2, frame(0.4))).toBe(true); // rewound to the sentence that began at seq 2
    expect(jb.push(3, 3, frame(0.4))).toBe(true);
    const { results, audio } = pullBlocks(jb, 8);
    expect(results[0].started).toBe(true);
    expect(results.flatMap((r) => r.reached)).toEqual([
      { turnId: 3, seq: 2 },
      { turnId: 3, seq: 3 },
    ]);
    expect(audio.slice(0, FRAME).every((s) => Math.abs(s - 0.4) < 1e-6)).toBe(true);
  });

  it('refuses repeated sequence numbers', () => {
    const jb = buffer();
    expect(jb.push(1, 5, frame(0.1))).toBe(true);
    expect(jb.push(1, 5, frame(0.1))).toBe(false);
    expect(jb.push(1, 4, frame(0.1))).toBe(false);
    expect(jb.push(1, 7, frame(0.1))).toBe(true); // a gap is fine
  });

  it('reports playout about every 100 ms while playing and once more when the turn drains', () => {
    const jb = buffer();
    for (let seq = 0; seq < 25; seq++) jb.push(2, seq, frame(0.2)); // 500 ms
    const { results } = pullBlocks(jb, 120); // 640 ms
    const reports = results.map((r, i) => ({ i, report: r.playout })).filter((r) => r.report !== null);
    // ~5 periodic reports in 500 ms of audio, plus the final one when it drains
    expect(reports.length).toBeGreaterThanOrEqual(5);
    expect(reports.length).toBeLessThanOrEqual(7);
    const seqs = reports.map((r) => r.report!.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(reports[reports.length - 1].report).toEqual({ turnId: 2, seq: 24 });
    for (let k = 1; k < reports.length - 1; k++) {
      const gapMs = ((reports[k].i - reports[k - 1].i) * BLOCK * 1000) / RATE;
      expect(gapMs).toBeGreaterThanOrEqual(95);
      expect(gapMs).toBeLessThanOrEqual(110);
    }
    // Nothing more to report once it has all been heard.
    expect(pullBlocks(jb, 30).results.every((r) => r.playout === null)).toBe(true);
  });
});
