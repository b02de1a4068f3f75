// The history dialog: past conversations (GET /v1/history) and the turns of one of them.

import { fetchConversation, fetchHistory } from '../api';
import { byId, el } from './dom';

export class HistoryView {
  private readonly dialog = byId<HTMLDialogElement>('history');
  private readonly list = byId('history-list');
  private readonly detail = byId('history-detail');

  constructor() {
    byId('history-button').addEventListener('click', () => {
      this.dialog.showModal();
      void this.load();
    });
    byId('history-close').addEventListener('click', () => this.dialog.close());
  }

  private async load(): Promise<void> {
    this.list.replaceChildren(el('li', { class: 'muted' }, 'Loading…'));
    this.detail.replaceChildren();
    try {
      const conversations = await fetchHistory();
      if (conversations.length === 0) {
        this.list.replaceChildren(el('li', { class: 'muted' }, 'No past conversations yet.'));
        return;
      }
      this.list.replaceChildren(
        ...conversations.map((c) => {
          const when = c.startedAtMs ? new Date(c.startedAtMs).toLocaleString() : '';
          const button = el(
            'button',
            { type: 'button', class: 'history-item' },
            el('strong', {}, c.title || 'Untitled'),
            el('small', {}, `${when} · ${c.turnCount} turns`),
          );
          button.addEventListener('click', () => void this.open(c.id));
          return el('li', {}, button);
        }),
      );
    } catch (error) {
      this.list.replaceChildren(
        el('li', { class: 'muted' }, `History is not available (${(error as Error).message}).`),
      );
    }
  }

  private async open(id: string): Promise<void> {
    this.detail.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    try {
      const turns = await fetchConversation(id);
      this.detail.replaceChildren(
        ...turns.map((t) =>
          el(
            'div',
            { class: 'turn' },
            el('p', { class: 'msg user' }, el('span', { class: 'who' }, 'You'), t.userText || '…'),
            el(
              'p',
              { class: `msg agent${t.interrupted ? ' cut' : ''}` },
              el('span', { class: 'who' }, 'LocalVoice'),
              t.assistantText || '…',
              t.interrupted ? el('span', { class: 'badge' }, 'cut off') : null,
              t.endToEndMs !== null ? el('small', { class: 'muted' }, ` ${Math.round(t.endToEndMs)} ms`) : null,
            ),
          ),
        ),
      );
      if (turns.length === 0)
        this.detail.replaceChildren(el('p', { class: 'muted' }, 'This conversation has no turns.'));
    } catch (error) {
      this.detail.replaceChildren(el('p', { class: 'muted' }, `Could not load it (${(error as Error).message}).`));
    }
  }
}
