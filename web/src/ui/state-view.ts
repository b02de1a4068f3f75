// The agent state indicator (listening / thinking / speaking) and the two level meters.

import type { AgentState } from '../protocol';

const LABELS: Record<AgentState | 'offline' | 'connecting', string> = {
  offline: 'Not started',
  connecting: 'Connecting…',
  idle: 'Ready',
  listening: 'Listening',
  user_speaking: 'Hearing you',
  thinking: 'Thinking',
  speaking: 'Speaking',
};

export type IndicatorState = keyof typeof LABELS;

export class StateView {
  constructor(private readonly root: HTMLElement) {}

  show(state: IndicatorState, detail = ''): void {
    this.root.dataset.state = state;
    const label = this.root.querySelector('.label');
    if (label) label.textContent = detail ? `${LABELS[state]} · ${detail}` : LABELS[state];
  }
}

export class Meter {
  private level = 0;

  constructor(private readonly bar: HTMLElement) {}

  // rms: 0..1 linear; shown on a dB scale (-60..0 dB) with a quick rise and slow fall.
  set(rms: number): void {
    const db = 20 * Math.log10(Math.max(rms, 1e-6));
    const target = Math.min(1, Math.max(0, (db + 60) / 60));
    this.level = target > this.level ? target : this.level * 0.85 + target * 0.15;
    this.bar.style.transform = `scaleX(${this.level.toFixed(3)})`;
    this.bar.parentElement?.setAttribute('aria-valuenow', String(Math.round(this.level * 100)));
  }
}
