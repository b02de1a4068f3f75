// Short, readable lines for the degraded-mode banner: one per engine that is missing or limited, from the
// server's short summaries when it sends them, else from its older "kind: state - detail" notes. Paths and
// commands stay out of the banner (`localvoice doctor` prints them).

import type { EngineState } from './api';

const KIND_NAMES: Record<string, string> = {
  vad: 'Voice detection',
  stt: 'Speech recognition',
  llm: 'Language model',
  tts: 'Spoken replies',
  embeddings: 'Document search (embeddings)',
};

// Other names a server may give an engine in a line it already wrote for people.
const KIND_ALIASES: Record<string, string> = {
  'voice detection': 'vad',
  'voice activity detection': 'vad',
  'speech recognition': 'stt',
  'speech-to-text': 'stt',
  'speech to text': 'stt',
  'language model': 'llm',
  'spoken replies': 'tts',
  'text-to-speech': 'tts',
  'text to speech': 'tts',
  voice: 'tts',
  'document search': 'embeddings',
  'document search (embeddings)': 'embeddings',
  embeddings: 'embeddings',
};

const STATE_NAMES: Record<string, string> = {
  absent: 'not installed',
  degraded: 'limited',
  failed: 'failed',
  loading: 'still loading',
};

// What the user loses when the engine is missing, said after its summary.
const CONSEQUENCES: Record<string, string> = {
  llm: 'answers come from your documents only',
  tts: 'replies arrive as text only',
};

const MAX_DETAIL_CHARS = 80;

export interface BannerLine {
  kind: string | null; // the engine the line is about, when known
  text: string;
}

// "llm: absent - none configured" -> "Language model: not installed (none configured)"; other text as is.
export function describeDegraded(line: string): string {
  const match = /^(\w+): (\w+)(?: - (.*))?$/s.exec(line.trim());
  if (!match || !(match[1] in KIND_NAMES)) {
    return line;
  }
  const [, kind, state, detail] = match;
  const what = `${KIND_NAMES[kind]}: ${STATE_NAMES[state] ?? state}`;
  return detail ? `${what} (${detail})` : what;
}

// Optional engines that are simply not configured are worth a note, not a warning.
export function isOptionalAbsence(line: string): boolean {
  return /^embeddings: absent\b/.test(line.trim());
}

export function engineName(kind: string): string {
  return KIND_NAMES[kind] ?? kind;
}

// The engine a banner line is about: "llm: ..." or "Language model: ...".
export function kindOfLine(line: string): string | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const head = line.slice(0, colon).trim();
  if (head in KIND_NAMES) return head;
  return KIND_ALIASES[head.toLowerCase()] ?? null;
}

// The first clause of an engine's detail, without commands and with files named by their base name only:
// "cannot load /home/u/.cache/x/silero.onnx: not found (run: localvoice models pull); using energy: instead"
// -> "cannot load silero.onnx: not found".
export function shortDetail(detail: string): string {
  let text = detail.trim();
  // Parenthesised hints that hold commands or paths go first (innermost first, a few levels deep).
  for (let i = 0; i < 3; i++) {
    text = text.replace(/\s*\([^()]*(?:run:|\/|\\|`)[^()]*\)/g, '');
  }
  const clauses = text
    .split(/;\s*/)
    .map((clause) => clause.trim())
    .filter((clause) => clause && !/^(run|try|see|set|use|fix|install)\b/i.test(clause));
  let first = (clauses[0] ?? '').replace(/\bhttps?:\/\/([^\s/:]+)(?::\d+)?\S*?(?=[:;,.]?(?:\s|$))/g, '$1');
  first = first.replace(/(?:~|\.{1,2})?(?:\/[^\s/:;,()'"`]+)+\/?/g, (path) => {
    const parts = path.split('/').filter(Boolean);
    return parts[parts.length - 1] ?? path;
  });
  first = first.replace(/\s+/g, ' ').trim();
  if (first.length > MAX_DETAIL_CHARS) first = `${first.slice(0, MAX_DETAIL_CHARS - 1).trimEnd()}…`;
  return first;
}

// One server note as a short banner line. Lines the server already wrote for people are kept as they are;
// "kind: state - detail" notes go through describeDegraded with their detail shortened.
export function noteLine(note: string): BannerLine {
  const line = note.trim();
  const strict = /^(\w+): (\w+)(?: - (.*))?$/s.exec(line);
  if (strict && strict[1] in KIND_NAMES) {
    const [, kind, state, detail] = strict;
    const short = detail ? shortDetail(detail) : '';
    return { kind, text: describeDegraded(short ? `${kind}: ${state} - ${short}` : `${kind}: ${state}`) };
  }
  const loose = /^(\w+): (.+)$/s.exec(line);
  if (loose && loose[1] in KIND_NAMES) {
    // Older free-form notes: "llm: no language model installed - answers come from your documents only; run: ..."
    const [, kind, rest] = loose;
    const [what, ...why] = rest.split(' - ');
    const consequence = why.length > 0 ? shortDetail(why.join(' - ')) : '';
    return { kind, text: `${KIND_NAMES[kind]}: ${shortDetail(what)}${consequence ? ` — ${consequence}` : ''}` };
  }
  return { kind: kindOfLine(line), text: line };
}

// The banner lines for the session's `degraded` notes.
export function linesFromNotes(notes: string[]): BannerLine[] {
  return notes.filter((note) => note.trim() && !isOptionalAbsence(note)).map(noteLine);
}

// The banner lines for the engines of /ready or engines.updated: every engine that is not ready, said with
// its summary when the server sends one.
export function linesFromEngines(engines: EngineState[]): BannerLine[] {
  const lines: BannerLine[] = [];
  for (const engine of engines) {
    if (engine.state === 'ready') continue;
    if (engine.kind === 'embeddings' && engine.state === 'absent') continue;
    if (engine.summary) {
      const consequence = CONSEQUENCES[engine.kind];
      const tell = consequence && engine.state !== 'loading' && !engine.summary.includes(consequence);
      lines.push({
        kind: engine.kind,
        text: `${engineName(engine.kind)}: ${engine.summary}${tell ? ` — ${consequence}` : ''}`,
      });
    } else {
      lines.push(noteLine(`${engine.kind}: ${engine.state}${engine.detail ? ` - ${engine.detail}` : ''}`));
    }
  }
  return lines;
}
