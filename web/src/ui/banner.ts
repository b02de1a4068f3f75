// Banners above the transcript: degraded engines, microphone problems, connection problems.

import { byId, el } from './dom';

export type BannerKind = 'info' | 'warning' | 'error';

export class Banners {
  private readonly root = byId('banners');

  // Shows (or replaces) the banner `key`; an empty list of lines removes it. A line is text, or an element
  // (a paragraph with a button in it) placed as it is.
  set(key: string, kind: BannerKind, lines: (string | HTMLElement)[]): void {
    this.root.querySelector(`[data-key="${key}"]`)?.remove();
    if (lines.length === 0) return;
    const banner = el('div', { class: `banner ${kind}`, 'data-key': key, role: kind === 'error' ? 'alert' : 'status' });
    for (const line of lines) banner.append(typeof line === 'string' ? el('p', {}, line) : line);
    const close = el('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss' }, '×');
    close.addEventListener('click', () => banner.remove());
    banner.append(close);
    this.root.append(banner);
  }
}
