// The downloads panel: each model of a running download with its size, licence, a progress bar, rate and
// time left, the total, and the outcome (ready, or what went wrong and how to fix it).

import type { CatalogModel } from '../api';
import { type Downloads, formatBytes, modelRows, progressLine, totals } from '../model-downloads';
import { byId, el } from './dom';

// The button that starts the download of the recommended models (banner, settings, retry).
export function downloadButton(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'download-models', title }, label);
  button.addEventListener('click', onClick);
  return button;
}

export class DownloadsView {
  private readonly root = byId('downloads');
  private dismissed = false;

  constructor(private readonly retry: () => void) {}

  // `readyNote`: what the page says once the models are in place (how they come into use).
  show(state: Downloads, catalog: CatalogModel[], readyNote: string): void {
    if (state.phase === 'starting' || state.phase === 'pulling') this.dismissed = false;
    if (state.phase === 'idle' || this.dismissed) {
      this.root.hidden = true;
      this.root.replaceChildren();
      return;
    }
    const rows = modelRows(state, catalog);
    const sum = totals(rows);
    const title =
      state.phase === 'done'
        ? 'The recommended models are ready'
        : state.phase === 'error'
          ? 'The download stopped'
          : state.phase === 'starting'
            ? 'Starting the download…'
            : 'Downloading the recommended models';
    const children: HTMLElement[] = [el('h2', { id: 'downloads-title' }, title)];
    if (rows.length > 0) {
      const list = el('ul', { class: 'download-list' });
      for (const row of rows) {
        const facts = [row.sizeBytes > 0 ? formatBytes(row.sizeBytes) : '', row.license ? `licence ${row.license}` : '']
          .filter(Boolean)
          .join(' · ');
        const bar = el('progress', {
          max: String(Math.max(1, row.sizeBytes)),
          value: String(row.haveBytes),
          'aria-label': `${row.name} downloaded`,
        });
        if (!row.started && !row.done && state.phase !== 'error') bar.removeAttribute('value'); // waiting: indeterminate
        list.append(
          el(
            'li',
            { class: `download${row.done ? ' done' : ''}`, 'data-model': row.name },
            el(
              'div',
              { class: 'download-head' },
              el('strong', {}, row.name),
              el('span', { class: 'download-facts' }, facts),
            ),
            row.description ? el('small', { class: 'muted' }, row.description) : null,
            bar,
            el(
              'span',
              { class: 'download-status' },
              row.started || row.done
                ? progressLine(row.haveBytes, row.sizeBytes, row.bytesPerS, row.etaS, row.done)
                : 'waiting',
            ),
          ),
        );
      }
      children.push(list);
      children.push(
        el(
          'p',
          { class: 'download-total' },
          `Total: ${Math.floor(sum.fraction * 100)}% — ${progressLine(sum.haveBytes, sum.sizeBytes, sum.bytesPerS, sum.etaS, state.phase === 'done')}`,
        ),
      );
    }
    if (state.phase === 'error' && state.error) {
      children.push(el('p', { class: 'download-error', role: 'alert' }, state.error.problem));
      if (state.error.fix) children.push(el('p', { class: 'download-fix' }, `To fix it: ${state.error.fix}`));
      children.push(downloadButton('Try again', 'Download the recommended models again', this.retry));
    }
    if (state.phase === 'done') children.push(el('p', { class: 'download-ready' }, readyNote));
    if (state.phase === 'done' || state.phase === 'error') {
      const close = el('button', { type: 'button', class: 'downloads-close' }, 'Close');
      close.addEventListener('click', () => {
        this.dismissed = true;
        this.root.hidden = true;
      });
      children.push(close);
    }
    this.root.replaceChildren(...children);
    this.root.dataset.phase = state.phase;
    this.root.hidden = false;
  }
}
