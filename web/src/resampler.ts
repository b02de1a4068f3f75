// Streaming band-limited resampler (windowed sinc), used in the audio worklets: any rate to any rate,
// chunk by chunk, with an anti-aliasing low-pass when the rate goes down (48 kHz mic -> 16 kHz wire).

const ZERO_CROSSINGS = 8;
const PHASES = 256;

export class Resampler {
  private readonly step: number; // input samples per output sample
  private readonly cutoff: number; // relative to the input Nyquist frequency
  private readonly halfWidth: number; // kernel half-width in input samples
  private readonly kernel: Float32Array;
  private history = new Float32Array(0);
  private position: number; // position of the next output sample, in input samples from history[0]

  constructor(
    readonly inputRateHz: number,
    readonly outputRateHz: number,
  ) {
    if (!(inputRateHz > 0) || !(outputRateHz > 0)) {
      throw new Error(`sample rates must be positive (got ${inputRateHz} Hz -> ${outputRateHz} Hz)`);
    }
    this.step = inputRateHz / outputRateHz;
    // A little below Nyquist so the window's transition band does not fold back.
    this.cutoff = Math.min(1, outputRateHz / inputRateHz) * 0.92;
    this.halfWidth = Math.ceil(ZERO_CROSSINGS / this.cutoff);
    this.kernel = buildKernel(this.halfWidth, this.cutoff);
    // Start with the kernel centred on the first input sample: a virtual run of zeros precedes it.
    this.history = new Float32Array(this.halfWidth);
    this.position = this.halfWidth;
  }

  get passthrough(): boolean {
    return this.inputRateHz === this.outputRateHz;
  }

  // Returns every output sample that `input` makes computable; the rest waits for more input.
  process(input: Float32Array): Float32Array {
    if (this.passthrough) {
      return input.slice();
    }
    const joined = new Float32Array(this.history.length + input.length);
    joined.set(this.history);
    joined.set(input, this.history.length);
    const available = joined.length;
    const capacity = Math.max(0, Math.ceil((available - this.halfWidth - this.position) / this.step) + 1);
    const out = new Float32Array(capacity);
    let produced = 0;
    while (produced < capacity && Math.floor(this.position) + this.halfWidth < available) {
      out[produced++] = this.sampleAt(joined, this.position);
      this.position += this.step;
    }
    // Keep what the next outputs still need.
    const keepFrom = Math.max(0, Math.floor(this.position) - this.halfWidth + 1);
    this.history = joined.slice(keepFrom);
    this.position -= keepFrom;
    return out.subarray(0, produced);
  }

  private sampleAt(samples: Float32Array, position: number): number {
    const centre = Math.floor(position);
    const phase = Math.min(PHASES, Math.round((position - centre) * PHASES));
    const taps = 2 * this.halfWidth;
    const row = phase * taps;
    const first = centre - this.halfWidth + 1;
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const index = first + t;
      if (index >= 0 && index < samples.length) {
        sum += samples[index] * this.kernel[row + t];
      }
    }
    return sum;
  }
}

// One row of normalised kernel weights per fractional phase, so the audio thread does no trigonometry.
function buildKernel(halfWidth: number, cutoff: number): Float32Array {
  const taps = 2 * halfWidth;
  const table = new Float32Array((PHASES + 1) * taps);
  for (let phase = 0; phase <= PHASES; phase++) {
    const frac = phase / PHASES;
    let weightSum = 0;
    for (let t = 0; t < taps; t++) {
      const k = t - halfWidth + 1 - frac;
      const x = k * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      // Blackman window over the kernel span.
      const window = 0.42 + 0.5 * Math.cos((Math.PI * k) / halfWidth) + 0.08 * Math.cos((2 * Math.PI * k) / halfWidth);
      const weight = sinc * Math.max(0, window);
      table[phase * taps + t] = weight;
      weightSum += weight;
    }
    // Normalising each row keeps the DC gain exactly 1 whatever the phase.
    for (let t = 0; t < taps; t++) {
      table[phase * taps + t] /= weightSum;
    }
  }
  return table;
}
