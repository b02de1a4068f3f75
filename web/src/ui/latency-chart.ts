// Per-turn latency breakdown (end of speech -> STT -> retrieval -> first token -> first audio) as stacked
// bars for the last turns, plus the numbers of the latest one.

import type { TurnMetrics } from '../protocol';
import { el, svg } from './dom';

export interface Stage {
  key: string;
  label: string;
  ms: number;
}

// The stages of one turn in order; stages that did not run (-1 or missing) are left out, and whatever the
// listed stages do not explain (queueing, sentence wait) is "other", so the bar adds up to end_to_end_ms.
export function stagesOf(metrics: TurnMetrics): Stage[] {
  const valid = (v: number | undefined): number => (typeof v === 'number' && v >= 0 ? v : 0);
  const stt = valid(metrics.stt_ms);
  const retrieval = valid(metrics.retrieval_ms);
  const firstToken = valid(metrics.llm_first_token_ms);
  const sentence = Math.max(0, valid(metrics.first_sentence_ms) - firstToken);
  const tts = valid(metrics.tts_first_audio_ms);
  const stages: Stage[] = [
    { key: 'stt', label: 'speech to text', ms: stt },
    { key: 'retrieval', label: 'retrieval', ms: retrieval },
    { key: 'llm', label: 'first token', ms: firstToken },
    { key: 'sentence', label: 'first sentence', ms: sentence },
    { key: 'tts', label: 'first audio', ms: tts },
  ];
  const total = valid(metrics.end_to_end_ms);
  const explained = stages.reduce((sum, s) => sum + s.ms, 0);
  if (total > explained) stages.push({ key: 'other', label: 'other', ms: total - explained });
  return stages.filter((s) => s.ms > 0);
}

export function totalMs(metrics: TurnMetrics): number {
  if (typeof metrics.end_to_end_ms === 'number' && metrics.end_to_end_ms >= 0) return metrics.end_to_end_ms;
  return stagesOf(metrics).reduce((sum, s) => sum + s.ms, 0);
}

const MAX_TURNS = 8;
const ROW_PX = 18;
const LABEL_PX = 34;
const WIDTH_PX = 300;
const TOTAL_PX = 56; // room for the total at the end of each bar

export class LatencyChart {
  private readonly rows: { turn: number; metrics: TurnMetrics }[] = [];

  constructor(
    private readonly chart: SVGSVGElement,
    private readonly details: HTMLElement,
  ) {}

  add(turn: number, metrics: TurnMetrics): void {
    const existing = this.rows.findIndex((row) => row.turn === turn);
    if (existing >= 0) this.rows.splice(existing, 1);
    this.rows.push({ turn, metrics });
    while (this.rows.length > MAX_TURNS) this.rows.shift();
    this.render();
  }

  private render(): void {
    const scale = Math.max(1, ...this.rows.map((row) => totalMs(row.metrics)));
    const height = Math.max(1, this.rows.length) * ROW_PX + 4;
    this.chart.setAttribute('viewBox', `0 0 ${WIDTH_PX} ${height}`);
    this.chart.setAttribute('height', String(height));
    this.chart.replaceChildren();
    this.rows.forEach((row, i) => {
      const y = i * ROW_PX + 2;
      const label = svg('text', { x: 0, y: y + 12, class: 'axis' });
      label.textContent = `#${row.turn}`;
      this.chart.append(label);
      let x = LABEL_PX;
      for (const stage of stagesOf(row.metrics)) {
        const w = (stage.ms / scale) * (WIDTH_PX - LABEL_PX - TOTAL_PX);
        const rect = svg('rect', { x, y, width: Math.max(0.5, w), height: ROW_PX - 5, class: `stage ${stage.key}` });
        const title = svg('title');
        title.textContent = `turn ${row.turn}: ${stage.label} ${Math.round(stage.ms)} ms`;
        rect.append(title);
        this.chart.append(rect);
        x += w;
      }
      const total = svg('text', { x: x + 4, y: y + 12, class: 'axis' });
      total.textContent = `${Math.round(totalMs(row.metrics))} ms`;
      this.chart.append(total);
    });
    const latest = this.rows[this.rows.length - 1];
    if (!latest) return;
    const items: Node[] = [];
    for (const stage of stagesOf(latest.metrics)) {
      items.push(
        el('dt', {}, el('span', { class: `swatch ${stage.key}` }), stage.label),
        el('dd', {}, `${Math.round(stage.ms)} ms`),
      );
    }
    items.push(
      el('dt', { class: 'total' }, 'end of speech → first audio'),
      el('dd', { class: 'total' }, `${Math.round(totalMs(latest.metrics))} ms`),
    );
    this.details.replaceChildren(...items);
  }
}
