// The live transcript: one entry per turn, re-rendered only when that turn changes.

import { type Conversation, type Turn, findTurn, inStepWithVoice, replyView } from '../conversation';
import { el } from './dom';

export class TranscriptView {
  private readonly entries = new Map<number, HTMLElement>();
  private readonly pending: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    this.pending = el('div', { class: 'pending-typed' });
    root.append(this.pending);
  }

  clear(): void {
    this.entries.forEach((entry) => entry.remove());
    this.entries.clear();
    this.root.querySelector('.empty')?.removeAttribute('hidden');
  }

  // Keeps the entries on screen but lets go of them: a new session numbers its turns from 1 again.
  archive(): void {
    this.entries.clear();
  }

  // Re-renders turn `id` (0: only the typed messages still waiting for their turn).
  update(state: Conversation, id: number): void {
    this.renderPending(state);
    const turn = id ? findTurn(state, id) : undefined;
    if (!turn) return;
    this.root.querySelector('.empty')?.setAttribute('hidden', '');
    const stick = this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight < 80;
    const hearing = state.agentState === 'user_speaking' && turn.id === state.turns[state.turns.length - 1]?.id;
    const fresh = this.render(turn, inStepWithVoice(state), hearing);
    const existing = this.entries.get(turn.id);
    if (existing) {
      existing.replaceWith(fresh);
    } else {
      const after = [...this.entries.entries()].filter(([other]) => other > turn.id).sort((a, b) => a[0] - b[0])[0];
      this.root.insertBefore(fresh, after ? after[1] : this.pending);
    }
    this.entries.set(turn.id, fresh);
    if (stick) this.root.scrollTop = this.root.scrollHeight;
  }

  private renderPending(state: Conversation): void {
    this.pending.replaceChildren(
      ...state.pendingTyped.map((text) =>
        el('p', { class: 'msg user typed waiting' }, el('span', { class: 'who' }, 'You'), text),
      ),
    );
    if (state.pendingTyped.length > 0) this.root.querySelector('.empty')?.setAttribute('hidden', '');
  }

  // `hearing`: the user is speaking in this turn (shows a placeholder until the first words arrive).
  private render(turn: Turn, inStep: boolean, hearing: boolean): HTMLElement {
    const entry = el('article', { class: 'turn', 'data-turn': String(turn.id) });
    const userText = turn.userFinal ?? turn.userPartial;
    if (userText || (hearing && turn.userFinal === null)) {
      const user = el('p', {
        class: `msg user${turn.userFinal === null ? ' partial' : ''}${turn.typed ? ' typed' : ''}`,
      });
      user.append(el('span', { class: 'who' }, 'You'), userText || '…');
      entry.append(user);
    }
    const reply = replyView(turn, inStep);
    if (turn.replyStarted || turn.status !== null || reply.text) {
      const classes = ['msg', 'agent'];
      if (reply.streaming) classes.push('streaming');
      if (reply.cut) classes.push('cut');
      if (reply.failed) classes.push('failed');
      const agent = el('div', { class: classes.join(' ') }, el('span', { class: 'who' }, 'LocalVoice'));
      if (reply.text || reply.streaming) {
        agent.append(el('p', { class: 'text' }, reply.text || '…'));
      } else {
        // Finished without words: cut before a whole word was heard, or nothing speakable was generated.
        agent.append(
          el('p', { class: 'text muted' }, reply.cut ? 'Interrupted.' : 'No reply.'),
        );
      }
      if (reply.cut)
        agent.append(
          el('span', { class: 'badge', title: 'You interrupted this reply; the text is what was heard' }, 'cut off'),
        );
      if (reply.failed) agent.append(el('span', { class: 'badge' }, 'failed'));
      if (turn.citations.length > 0) {
        const chips = el('ul', { class: 'chips', 'aria-label': 'Sources' });
        for (const citation of turn.citations) {
          const label = citation.source.split('/').pop() || citation.source;
          const title = [citation.source, citation.heading, citation.snippet].filter(Boolean).join('\n');
          chips.append(el('li', { class: 'chip', title }, label));
        }
        agent.append(chips);
      }
      entry.append(agent);
    }
    if (turn.error) {
      entry.append(
        el('p', { class: 'msg error' }, turn.error.message + (turn.error.fix ? ` — ${turn.error.fix}` : '')),
      );
    }
    return entry;
  }
}
