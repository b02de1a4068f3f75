// The settings drawer: reads and writes the form in #settings, shows engine information.

import type { EngineState } from '../api';
import type { SessionInfo, TurnDetection } from '../protocol';
import { type Settings, defaultSettings } from '../settings';
import { byId, el } from './dom';

const THRESHOLDS: { key: Exclude<keyof TurnDetection, 'interrupt_response'>; id: string }[] = [
  { key: 'min_speech_ms', id: 'set-min-speech' },
  { key: 'silence_duration_ms', id: 'set-silence' },
  { key: 'min_interruption_ms', id: 'set-min-interruption' },
  { key: 'max_wait_ms', id: 'set-max-wait' },
  { key: 'false_interruption_timeout_ms', id: 'set-false-interruption' },
];

export class SettingsDrawer {
  private readonly dialog = byId<HTMLDialogElement>('settings');
  private readonly form = byId<HTMLFormElement>('settings-form');
  private offerShown = false;

  constructor(private readonly onSave: (settings: Settings) => void) {
    byId('settings-button').addEventListener('click', () => this.dialog.showModal());
    byId('settings-cancel').addEventListener('click', () => this.dialog.close());
    byId('settings-reset').addEventListener('click', () => this.fill(defaultSettings()));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.onSave(this.read());
      this.dialog.close();
    });
  }

  fill(settings: Settings): void {
    byId<HTMLTextAreaElement>('set-instructions').value = settings.instructions;
    byId<HTMLInputElement>('set-voice').value = settings.voice;
    byId<HTMLInputElement>(settings.mode === 'push-to-talk' ? 'set-mode-ptt' : 'set-mode-free').checked = true;
    byId<HTMLInputElement>('set-echo').checked = settings.echoCancellation;
    byId<HTMLInputElement>('set-noise').checked = settings.noiseSuppression;
    byId<HTMLInputElement>('set-gain').checked = settings.autoGainControl;
    for (const { key, id } of THRESHOLDS) {
      const value = settings.turnDetection[key];
      byId<HTMLInputElement>(id).value = value === undefined ? '' : String(value);
    }
    const interrupt = settings.turnDetection.interrupt_response;
    byId<HTMLInputElement>('set-interrupt').checked = interrupt ?? true;
  }

  read(): Settings {
    const settings = defaultSettings();
    settings.instructions = byId<HTMLTextAreaElement>('set-instructions').value;
    settings.voice = byId<HTMLInputElement>('set-voice').value;
    settings.mode = byId<HTMLInputElement>('set-mode-ptt').checked ? 'push-to-talk' : 'hands-free';
    settings.echoCancellation = byId<HTMLInputElement>('set-echo').checked;
    settings.noiseSuppression = byId<HTMLInputElement>('set-noise').checked;
    settings.autoGainControl = byId<HTMLInputElement>('set-gain').checked;
    for (const { key, id } of THRESHOLDS) {
      const text = byId<HTMLInputElement>(id).value.trim();
      const value = Number(text);
      if (text !== '' && Number.isFinite(value) && value >= 0) settings.turnDetection[key] = Math.round(value);
    }
    if (!byId<HTMLInputElement>('set-interrupt').checked) settings.turnDetection.interrupt_response = false;
    return settings;
  }

  // The server's current values become the placeholders, so an empty field visibly means "server default".
  showSession(session: SessionInfo | null): void {
    const td = session?.turn_detection ?? {};
    for (const { key, id } of THRESHOLDS) {
      const value = td[key];
      byId<HTMLInputElement>(id).placeholder = typeof value === 'number' ? String(value) : 'default';
    }
    if (session?.voice) byId<HTMLInputElement>('set-voice').placeholder = session.voice;
    if (session?.instructions) byId<HTMLTextAreaElement>('set-instructions').placeholder = session.instructions;
  }

  showVoices(voices: string[]): void {
    byId('voice-list').replaceChildren(...voices.map((voice) => el('option', { value: voice })));
  }

  showEngines(engines: EngineState[], version: string): void {
    const rows = engines.map((engine) =>
      el(
        'li',
        { class: `engine ${engine.state}` },
        el('strong', {}, engine.kind),
        ` ${engine.url || '(none)'} `,
        el('span', { class: 'engine-state' }, engine.state),
        engine.summary && engine.summary !== engine.state
          ? el('small', { class: 'engine-summary' }, engine.summary)
          : null,
        engine.detail ? el('small', {}, engine.detail) : null,
      ),
    );
    byId('engine-list').replaceChildren(...rows);
    if (version) byId('engine-version').textContent = `LocalVoice ${version}`;
  }

  // The Download button (or the advice why there is none) above the engine list; null hides it. The section
  // opens by itself the first time there is something to do.
  showDownloadOffer(content: HTMLElement | null): void {
    const box = byId('engine-download');
    box.replaceChildren(...(content ? [content] : []));
    box.hidden = content === null;
    if (content && !this.offerShown) byId<HTMLDetailsElement>('engine-section').open = true;
    this.offerShown = content !== null;
  }
}
