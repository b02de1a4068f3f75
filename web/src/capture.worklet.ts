// Capture processor (audio thread): downmixes the microphone, resamples it to the wire rate and posts 20 ms
// PCM16 frames and level readings to the main thread.

import { Framer } from './framer';
import { Resampler } from './resampler';
import { CAPTURE_PROCESSOR, type CaptureMessage, type CaptureOptions } from './worklet-messages';

const LEVEL_EVERY_S = 0.05;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler: Resampler;
  private readonly framer: Framer;
  private readonly mono = new Float32Array(128);
  private levelSumSquares = 0;
  private levelPeak = 0;
  private levelSamples = 0;

  constructor(options?: unknown) {
    super(options);
    const settings = (options as { processorOptions?: CaptureOptions } | undefined)?.processorOptions;
    const targetRateHz = settings?.targetRateHz ?? 16000;
    const frameMs = settings?.frameMs ?? 20;
    this.resampler = new Resampler(sampleRate, targetRateHz);
    this.framer = new Framer(Math.round((targetRateHz * frameMs) / 1000));
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0) {
      return true;
    }
    const length = channels[0].length;
    const mono = length === this.mono.length ? this.mono : new Float32Array(length);
    mono.fill(0);
    for (const channel of channels) {
      for (let i = 0; i < length; i++) {
        mono[i] += channel[i] / channels.length;
      }
    }
    for (let i = 0; i < length; i++) {
      const s = mono[i];
      this.levelSumSquares += s * s;
      this.levelPeak = Math.max(this.levelPeak, Math.abs(s));
    }
    this.levelSamples += length;
    const endTime = currentTime + length / sampleRate;
    for (const samples of this.framer.push(this.resampler.process(mono))) {
      const message: CaptureMessage = { type: 'frame', samples, endTime };
      this.port.postMessage(message, [samples.buffer]);
    }
    if (this.levelSamples >= LEVEL_EVERY_S * sampleRate) {
      const message: CaptureMessage = {
        type: 'level',
        rms: Math.sqrt(this.levelSumSquares / this.levelSamples),
        peak: this.levelPeak,
      };
      this.port.postMessage(message);
      this.levelSumSquares = 0;
      this.levelPeak = 0;
      this.levelSamples = 0;
    }
    return true;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
