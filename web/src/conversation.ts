// What the page shows, derived from server events: session info, agent state, and one entry per turn
// (user words, assistant reply in step with its voice, citations, metrics). Pure: no DOM, no audio.

import type { AgentState, Citation, ErrorInfo, ReplyStatus, ServerEvent, SessionInfo, TurnMetrics } from './protocol';

export interface Sentence {
  index: number;
  text: string;
  firstSeq: number;
  heard: boolean; // its audio has started playing
}

export interface Turn {
  id: number;
  userPartial: string;
  userFinal: string | null;
  typed: boolean;
  replyStarted: boolean;
  replyText: string; // response.text.delta, as generated
  sentences: Sentence[];
  status: ReplyStatus | null; // set by response.done
  heardText: string | null; // response.done text (as heard)
  citations: Citation[];
  metrics: TurnMetrics | null;
  error: ErrorInfo | null;
}

export interface Conversation {
  session: SessionInfo | null;
  agentState: AgentState;
  turns: Turn[];
  errors: ErrorInfo[];
  pendingTyped: string[]; // typed messages not yet matched to a server turn
  audioOutput: boolean; // the page plays reply audio (false: show text as it is generated)
}

export function newConversation(): Conversation {
  return {
    session: null,
    agentState: 'idle',
    turns: [],
    errors: [],
    pendingTyped: [],
    audioOutput: true,
  };
}

export function findTurn(state: Conversation, id: number): Turn | undefined {
  return state.turns.find((turn) => turn.id === id);
}

function turnFor(state: Conversation, id: number): Turn {
  let turn = findTurn(state, id);
  if (!turn) {
    turn = {
      id,
      userPartial: '',
      userFinal: null,
      typed: false,
      replyStarted: false,
      replyText: '',
      sentences: [],
      status: null,
      heardText: null,
      citations: [],
      metrics: null,
      error: null,
    };
    state.turns.push(turn);
    state.turns.sort((a, b) => a.id - b.id);
  }
  return turn;
}

// Whether the session can speak: without a ready TTS engine replies are text only.
export function speaks(session: SessionInfo | null): boolean {
  const tts = session?.engines?.find((engine) => engine.kind === 'tts');
  return !tts || tts.state === 'ready' || tts.state === 'degraded';
}

// Reply text waits for its voice only when the page plays audio and the session has a voice.
export function inStepWithVoice(state: Conversation): boolean {
  return state.audioOutput && speaks(state.session);
}

export function recordTyped(state: Conversation, text: string): void {
  state.pendingTyped.push(text);
}

// Applies one server event; returns the id of the turn it changed (0: session-level change).
export function applyEvent(state: Conversation, event: ServerEvent): number {
  switch (event.type) {
    case 'session.created':
    case 'session.updated':
      state.session = { ...state.session, ...event.session };
      return 0;
    case 'agent.state':
      state.agentState = event.state;
      return 0;
    case 'input_audio_buffer.speech_started':
    case 'input_audio_buffer.speech_stopped':
      turnFor(state, event.turn_id);
      return event.turn_id;
    case 'conversation.item.input_audio_transcription.delta': {
      const turn = turnFor(state, event.turn_id);
      turn.userPartial = String(event.transcript ?? '');
      return turn.id;
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const turn = turnFor(state, event.turn_id);
      turn.userFinal = String(event.transcript ?? '');
      turn.userPartial = '';
      const typedAt = state.pendingTyped.indexOf(turn.userFinal);
      if (typedAt >= 0) {
        state.pendingTyped.splice(typedAt, 1);
        turn.typed = true;
      }
      return turn.id;
    }
    case 'response.created': {
      const turn = turnFor(state, event.turn_id);
      turn.replyStarted = true;
      if (turn.userFinal === null && !turn.userPartial && state.pendingTyped.length > 0) {
        // A typed message starts a turn of its own without a transcript.
        turn.userFinal = state.pendingTyped.shift()!;
        turn.typed = true;
      }
      return turn.id;
    }
    case 'response.text.delta': {
      const turn = turnFor(state, event.turn_id);
      turn.replyStarted = true;
      turn.replyText += String(event.delta ?? '');
      return turn.id;
    }
    case 'response.audio_transcript.delta': {
      const turn = turnFor(state, event.turn_id);
      if (!turn.sentences.some((s) => s.index === event.index)) {
        turn.sentences.push({
          index: event.index,
          text: String(event.delta ?? ''),
          firstSeq: Number(event.first_seq ?? 0),
          heard: !inStepWithVoice(state),
        });
        turn.sentences.sort((a, b) => a.index - b.index);
      }
      return turn.id;
    }
    case 'response.citations': {
      const turn = turnFor(state, event.turn_id);
      turn.citations = Array.isArray(event.citations) ? event.citations : [];
      return turn.id;
    }
    case 'output_audio_buffer.cleared':
      return event.turn_id;
    case 'response.done': {
      const turn = turnFor(state, event.turn_id);
      turn.status = event.response?.status ?? 'completed';
      turn.heardText = typeof event.response?.text === 'string' ? event.response.text : null;
      if (!turn.replyText && typeof event.response?.generated_text === 'string') {
        turn.replyText = event.response.generated_text;
      }
      if (turn.status !== 'interrupted') {
        turn.sentences.forEach((s) => (s.heard = true));
      }
      return turn.id;
    }
    case 'turn.metrics': {
      const turn = turnFor(state, event.turn_id);
      turn.metrics = event.metrics ?? null;
      return turn.id;
    }
    case 'error': {
      const error = event.error ?? { code: 'unknown', message: 'the server reported an error' };
      state.errors.push(error);
      if (state.errors.length > 20) {
        state.errors.shift();
      }
      if (error.turn_id) {
        turnFor(state, error.turn_id).error = error;
        return error.turn_id;
      }
      return 0;
    }
    default:
      return 0;
  }
}

// Playback reached the frame `seq` of `turnId`: sentences starting there or earlier are now heard.
export function markHeard(state: Conversation, turnId: number, seq: number): boolean {
  const turn = findTurn(state, turnId);
  let changed = false;
  for (const sentence of turn?.sentences ?? []) {
    if (!sentence.heard && sentence.firstSeq <= seq) {
      sentence.heard = true;
      changed = true;
    }
  }
  return changed;
}

export interface ReplyView {
  text: string;
  cut: boolean; // interrupted: `text` is what was heard
  streaming: boolean;
  failed: boolean;
}

// The reply text to show now: spoken sentences as they are heard, generated text when nothing is spoken,
// and after the reply the text as heard (cut when interrupted).
export function replyView(turn: Turn, audioOutput: boolean): ReplyView {
  if (turn.status !== null) {
    const spoken = turn.sentences.map((s) => s.text).join(' ');
    const full = turn.heardText ?? (spoken || turn.replyText);
    const text = turn.status === 'interrupted' ? (turn.heardText ?? spoken) : full || turn.replyText;
    return {
      text: text.trim(),
      cut: turn.status === 'interrupted',
      streaming: false,
      failed: turn.status === 'failed',
    };
  }
  const text =
    turn.sentences.length > 0 || audioOutput
      ? turn.sentences
          .filter((s) => s.heard)
          .map((s) => s.text)
          .join(' ')
      : turn.replyText;
  return { text: text.trim(), cut: false, streaming: turn.replyStarted, failed: false };
}

// Nothing is under way: the agent listens and no reply or typed message is pending. A conversation may be
// reconnected now (to pick up new engines) without cutting anyone off.
export function isIdle(state: Conversation): boolean {
  return (
    state.agentState === 'listening' &&
    state.pendingTyped.length === 0 &&
    !state.turns.some((turn) => turn.replyStarted && turn.status === null)
  );
}
