// The reply-audio jitter buffer, free of Web Audio so it can be tested: frames in (per turn, sequence
// numbered), fixed-size blocks out, with a start threshold, underrun accounting, instant flush and playout
// progress (which frame of which turn has been heard).

export interface JitterBufferOptions {
  sampleRateHz: number;
  startThresholdMs: number; // play once this much audio is buffered ...
  maxStartWaitMs: number; // ... or once the first frame has waited this long, whichever comes first
  playoutReportMs: number; // how often playout progress is reported while playing
}

export interface PlayoutReport {
  turnId: number;
  seq: number;
}

export interface PullResult {
  started: boolean; // playback of a turn (re)started in this block
  playing: boolean; // audio was produced in this block
  underrun: boolean; // the buffer ran dry in the middle of playing
  reached: PlayoutReport[]; // frames whose first sample was played in this block
  playout: PlayoutReport | null; // progress to report now (every playoutReportMs, and when a turn drains)
}

interface QueuedFrame {
  turnId: number;
  seq: number;
  samples: Float32Array;
}

export class JitterBuffer {
  private readonly frames: QueuedFrame[] = [];
  private head = 0; // read position inside frames[0]
  private buffered = 0; // samples queued
  private playing = false;
  private waitedSamples = 0; // time since the first frame of a start arrived, in output samples
  private sinceReport = 0;
  private lastPlayed: PlayoutReport | null = null;
  private lastReported: PlayoutReport | null = null;
  private lastQueued: PlayoutReport | null = null;
  private dryTurn: number | null = null; // the turn whose audio ran out last
  private blockedUpTo = 0; // frames of turns up to this one were flushed and are refused until allowed
  underruns = 0;
  samplesPlayed = 0;

  constructor(readonly options: JitterBufferOptions) {}

  get bufferedMs(): number {
    return (this.buffered * 1000) / this.options.sampleRateHz;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get currentTurn(): number {
    return this.frames.length > 0 ? this.frames[0].turnId : (this.lastPlayed?.turnId ?? 0);
  }

  get lastPlayedFrame(): PlayoutReport | null {
    return this.lastPlayed;
  }

  // Returns false when the frame is refused: its turn was flushed, or it repeats an earlier seq.
  push(turnId: number, seq: number, samples: Float32Array): boolean {
    if (turnId <= this.blockedUpTo || samples.length === 0) {
      return false;
    }
    const last = this.lastQueued;
    if (last && last.turnId === turnId && seq <= last.seq) {
      return false;
    }
    if (last && turnId < last.turnId) {
      return false;
    }
    this.frames.push({ turnId, seq, samples });
    this.buffered += samples.length;
    this.lastQueued = { turnId, seq };
    return true;
  }

  // Drops everything buffered for `turnId` and earlier turns, and refuses their frames until allow(). Returns
  // the number of samples dropped.
  flush(turnId: number): number {
    this.blockedUpTo = Math.max(this.blockedUpTo, turnId);
    let dropped = 0;
    while (this.frames.length > 0 && this.frames[0].turnId <= turnId) {
      dropped += this.frames[0].samples.length - this.head;
      this.head = 0;
      this.frames.shift();
    }
    this.buffered -= dropped;
    if (this.frames.length === 0) {
      this.playing = false;
      this.waitedSamples = 0;
    }
    return dropped;
  }

  // Accepts frames of `turnId` again after a flush: the server resumes a reply after a false interruption,
  // repeating sequence numbers from the start of the sentence it stopped in.
  allow(turnId: number): void {
    if (this.blockedUpTo >= turnId) {
      this.blockedUpTo = turnId - 1;
    }
    if (this.lastQueued?.turnId === turnId) {
      this.lastQueued = null;
    }
  }

  // Fills `out` with the next block (silence where there is no audio).
  pull(out: Float32Array): PullResult {
    const result: PullResult = { started: false, playing: false, underrun: false, reached: [], playout: null };
    out.fill(0);
    if (!this.playing) {
      if (this.buffered === 0) {
        return result;
      }
      this.waitedSamples += out.length;
      const threshold = (this.options.startThresholdMs * this.options.sampleRateHz) / 1000;
      const maxWait = (this.options.maxStartWaitMs * this.options.sampleRateHz) / 1000;
      if (this.buffered < threshold && this.waitedSamples < maxWait) {
        return result;
      }
      this.playing = true;
      this.waitedSamples = 0;
      result.started = true;
    }
    const startTurn = this.frames.length > 0 ? this.frames[0].turnId : null;
    let written = 0;
    while (written < out.length && this.frames.length > 0) {
      const frame = this.frames[0];
      if (this.head === 0) {
        result.reached.push({ turnId: frame.turnId, seq: frame.seq });
      }
      const take = Math.min(out.length - written, frame.samples.length - this.head);
      out.set(frame.samples.subarray(this.head, this.head + take), written);
      written += take;
      this.head += take;
      this.buffered -= take;
      if (this.head === frame.samples.length) {
        this.frames.shift();
        this.head = 0;
        this.lastPlayed = { turnId: frame.turnId, seq: frame.seq };
      }
    }
    this.samplesPlayed += written;
    result.playing = written > 0;
    if (result.started && this.dryTurn !== null && startTurn === this.dryTurn) {
      // More audio of the turn that ran dry: that was an underrun, not the end of the reply.
      this.underruns++;
      result.underrun = true;
    }
    if (result.started) {
      this.dryTurn = null;
    }
    if (written < out.length) {
      // Ran dry: wait for the threshold again instead of stuttering frame by frame.
      this.playing = false;
      this.dryTurn = this.lastPlayed?.turnId ?? null;
    }
    this.sinceReport += written;
    const reportEvery = (this.options.playoutReportMs * this.options.sampleRateHz) / 1000;
    if (this.lastPlayed && (this.sinceReport >= reportEvery || !this.playing) && !this.reportIsCurrent()) {
      result.playout = { ...this.lastPlayed };
      this.lastReported = result.playout;
      this.sinceReport = 0;
    }
    return result;
  }

  private reportIsCurrent(): boolean {
    const a = this.lastPlayed;
    const b = this.lastReported;
    return a !== null && b !== null && a.turnId === b.turnId && a.seq === b.seq;
  }
}
