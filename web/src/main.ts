// The page: wires the realtime session, microphone, playback and views together.

import { type EngineState, asEngines, fetchVoices } from './api';
import { Capture, microphoneErrorMessage, microphoneUnavailableReason } from './capture';
import { applyEvent, findTurn, isIdle, markHeard, newConversation, recordTyped, replyView } from './conversation';
import { Playback } from './playback';
import {
  type AudioFrame,
  type ServerEvent,
  FRAME_MS,
  INPUT_SAMPLE_RATE_HZ,
  OUTPUT_SAMPLE_RATE_HZ,
  textMessage,
} from './protocol';
import { RealtimeSession, realtimeUrl } from './session';
import { type Settings, loadSettings, saveSettings, sessionUpdate } from './settings';
import { watchIndexing } from './kb-indexing';
import { Banners } from './ui/banner';
import { byId } from './ui/dom';
import { EngineBanner } from './ui/engine-banner';
import { HistoryView } from './ui/history-view';
import { LatencyChart } from './ui/latency-chart';
import { SettingsDrawer } from './ui/settings-drawer';
import { Meter, StateView } from './ui/state-view';
import { TranscriptView } from './ui/transcript-view';
import './styles.css';

const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})();

class App {
  private settings: Settings = loadSettings(storage);
  private conversation = newConversation();
  private session: RealtimeSession | null = null;
  private capture: Capture | null = null;
  private playback: Playback | null = null;
  private sessionReady = false;
  private closingOnPurpose = false;
  private outbox: string[] = []; // typed messages waiting for session.created
  private capturedFrames = 0;
  private pttHeld = false;
  private micOpening = false;
  private settingsPending = false; // the settings were refused because the session was not ready yet
  private replyTurn = 0; // the turn whose reply is being generated or played
  private clearedTurn = 0; // reply audio of this turn and earlier is dropped on arrival
  private cancelledTurn = 0; // replies the user stopped here: never resumed
  private readonly eventLog: string[] = []; // recent event types, for tests and debugging
  private micRms = 0;
  private sendDelayMs: number[] = []; // capture of a frame's last sample -> handed to the socket
  private restartPending = false; // new engines are ready: reconnect once the conversation is idle
  private restarts = 0;
  private chartTurnBase = 0; // turns of sessions before a restart, so the latency chart keeps counting

  private readonly banners = new Banners();
  private readonly stateView = new StateView(byId('state'));
  private readonly transcript = new TranscriptView(byId('transcript'));
  private readonly chart = new LatencyChart(byId('latency-chart') as unknown as SVGSVGElement, byId('latency-details'));
  private readonly micMeter = new Meter(byId('mic-meter'));
  private readonly agentMeter = new Meter(byId('agent-meter'));
  private readonly drawer = new SettingsDrawer((settings) => this.applySettings(settings));
  private readonly startButton = byId<HTMLButtonElement>('start');
  private readonly pttButton = byId<HTMLButtonElement>('ptt');
  private readonly interruptButton = byId<HTMLButtonElement>('interrupt');
  private readonly announcer = byId('announcer');
  private readonly engineBanner = new EngineBanner(this.banners, this.drawer, {
    sessionReady: () => this.sessionReady,
    connected: () => this.session !== null,
    restarted: () => this.restarts > 0,
    announce: (text) => this.announce(text),
  });

  constructor() {
    new HistoryView();
    watchIndexing((line) => this.banners.set('kb-indexing', 'info', line ? [line] : []));
    this.drawer.fill(this.settings);
    this.showMode();
    this.stateView.show('offline');
    this.startButton.addEventListener('click', () => {
      if (!this.session) void this.start(true);
      else if (!this.capture)
        void this.openMic(); // connected for typing only: add the voice
      else this.stop();
    });
    this.interruptButton.addEventListener('click', () => this.interrupt());
    byId<HTMLFormElement>('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendTyped();
    });
    this.pttButton.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      this.pttPress();
    });
    for (const type of ['pointerup', 'pointerleave', 'pointercancel', 'blur']) {
      this.pttButton.addEventListener(type, () => this.pttRelease());
    }
    // Holding Space or Enter on the focused button talks too (keyboard users).
    this.pttButton.addEventListener('keydown', (event) => {
      if ((event.code === 'Space' || event.code === 'Enter') && !event.repeat) {
        event.preventDefault();
        this.pttPress();
      }
    });
    this.pttButton.addEventListener('keyup', (event) => {
      if (event.code === 'Space' || event.code === 'Enter') {
        event.preventDefault();
        this.pttRelease();
      }
    });
    window.addEventListener('keydown', (event) => {
      if (event.code === 'Space' && !event.repeat && this.spaceIsPushToTalk(event)) {
        event.preventDefault();
        this.pttPress();
      }
    });
    window.addEventListener('keyup', (event) => {
      if (event.code === 'Space' && this.pttHeld) {
        event.preventDefault();
        this.pttRelease();
      }
    });
    const tick = () => {
      this.micMeter.set(this.capture ? this.micRms : 0);
      this.agentMeter.set(this.playback?.level() ?? 0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    this.engineBanner.start();
    fetchVoices()
      .then((voices) => this.drawer.showVoices(voices))
      .catch(() => undefined);
    this.exposeForTests();
  }

  private spaceIsPushToTalk(event: KeyboardEvent): boolean {
    const target = event.target as HTMLElement | null;
    const typing = target?.closest('input, textarea, select, button, dialog, [contenteditable]');
    return this.settings.mode === 'push-to-talk' && this.capture !== null && !typing;
  }

  // The server swapped downloaded engines in: show them, and reconnect so this conversation uses them.
  private onEnginesUpdated(engines: EngineState[], message: string): void {
    this.engineBanner.showUpdatedEngines(engines);
    if (message) this.announce(message);
    if (this.canRestart()) {
      this.restartSession();
    } else {
      this.restartPending = true;
      this.banners.set('engines-updated', 'info', ['New models are ready — they apply when this reply finishes.']);
    }
  }

  private canRestart(): boolean {
    return this.sessionReady && !this.pttHeld && isIdle(this.conversation);
  }

  // A new session on the same page: the microphone stays open (no new permission), the transcript so far
  // stays on screen, turn numbers start again with the new session.
  private restartSession(): void {
    this.restartPending = false;
    const old = this.session;
    if (!old) return;
    this.restarts++;
    this.banners.set('engines-updated', 'info', ['New models are ready — reconnecting to use them…']);
    this.session = null;
    this.sessionReady = false;
    old.close();
    this.replyTurn = 0;
    this.clearedTurn = 0;
    this.cancelledTurn = 0;
    this.capturedFrames = 0;
    this.settingsPending = false;
    this.transcript.archive();
    this.chartTurnBase += Math.max(0, ...this.conversation.turns.map((turn) => turn.id));
    const audioOutput = this.conversation.audioOutput;
    this.conversation = newConversation();
    this.conversation.audioOutput = audioOutput;
    // The reply player orders audio by turn number: the new session's turns need a fresh one.
    this.playback?.close();
    this.playback = null;
    void this.connect();
  }

  private async start(withMic: boolean): Promise<void> {
    if (this.session) return;
    this.closingOnPurpose = false;
    this.stateView.show('connecting');
    // Both audio contexts are made inside the click, where browsers allow audio to start.
    await this.connect();
    if (withMic) await this.openMic();
  }

  // Opens the realtime session and the reply player. Events of a session that is no longer the current one
  // (closed by a restart) are ignored.
  private async connect(): Promise<void> {
    const playback = Playback.create(OUTPUT_SAMPLE_RATE_HZ, {
      onStarted: () => undefined,
      onReached: (turnId, seq) => {
        if (markHeard(this.conversation, turnId, seq)) this.transcript.update(this.conversation, turnId);
      },
      onPlayout: (turnId, seq) => this.session?.send({ type: 'output_audio.playout', turn_id: turnId, seq }),
      onDrained: () => undefined,
    });
    const session: RealtimeSession = new RealtimeSession(realtimeUrl(window.location), {
      onOpen: () => undefined,
      onEvent: (event) => {
        if (this.session === session) this.onEvent(event);
      },
      onAudio: (frame) => {
        if (this.session === session) this.onAudio(frame);
      },
      onClose: (code, reason) => {
        if (this.session === session) this.onClose(code, reason);
      },
      onProblem: (message) => console.warn('localvoice:', message),
    });
    this.session = session;
    try {
      const player = await playback;
      if (this.session !== session) {
        player.close(); // stopped or restarted meanwhile
        return;
      }
      this.playback = player;
      this.conversation.audioOutput = true;
    } catch (error) {
      this.conversation.audioOutput = false;
      this.banners.set('audio', 'warning', [
        `Replies will be shown as text only: audio output failed (${(error as Error).message}).`,
      ]);
    }
  }

  private async openMic(): Promise<void> {
    if (this.micOpening || this.capture) return;
    const reason = microphoneUnavailableReason({
      isSecureContext: window.isSecureContext,
      hasMediaDevices: !!navigator.mediaDevices?.getUserMedia,
    });
    if (reason) {
      this.banners.set('mic', 'error', [reason]);
      return;
    }
    this.micOpening = true;
    try {
      this.capture = await Capture.open(this.settings, INPUT_SAMPLE_RATE_HZ, FRAME_MS, {
        onFrame: (samples, endTime) => this.onMicFrame(samples, endTime),
        onLevel: (rms) => (this.micRms = rms),
      });
      this.banners.set('mic', 'info', []);
      if (!this.session) this.closeAudio(); // stopped while the permission prompt was open
      this.showStartButton();
    } catch (error) {
      this.banners.set('mic', 'error', [microphoneErrorMessage(error)]);
    } finally {
      this.micOpening = false;
    }
  }

  private onMicFrame(samples: Int16Array, endTime: number): void {
    const timestampMs = this.capturedFrames * FRAME_MS;
    this.capturedFrames++;
    const handsFree = this.settings.mode === 'hands-free';
    if (!this.sessionReady || (!handsFree && !this.pttHeld)) return;
    this.session?.sendAudio(samples, timestampMs);
    if (this.capture) {
      this.sendDelayMs.push((this.capture.currentTime - endTime) * 1000);
      if (this.sendDelayMs.length > 500) this.sendDelayMs.shift();
    }
  }

  private onAudio(frame: AudioFrame): void {
    if (frame.turnId <= this.clearedTurn) return; // late frames of an interrupted reply
    this.playback?.push(frame.turnId, frame.seq, frame.samples);
  }

  private onEvent(event: ServerEvent): void {
    const turnOf = (event as { turn_id?: number }).turn_id;
    this.eventLog.push(
      `${Math.round(performance.now())} ${event.type}${turnOf ? ` ${turnOf}` : ''}${event.type === 'agent.state' ? ` ${event.state}` : ''}`,
    );
    if (this.eventLog.length > 300) this.eventLog.shift();
    const changed = applyEvent(this.conversation, event);
    if (changed) this.transcript.update(this.conversation, changed);
    else if (event.type === 'agent.state' && event.turn_id) this.transcript.update(this.conversation, event.turn_id);
    else if (event.type === 'error') this.transcript.update(this.conversation, 0);
    switch (event.type) {
      case 'session.created': {
        this.sessionReady = true;
        const session = event.session ?? {};
        this.session?.send(sessionUpdate(this.settings, INPUT_SAMPLE_RATE_HZ));
        const outputRate = session.output_audio_format?.sample_rate_hz;
        if (outputRate) this.playback?.setInputRate(outputRate);
        this.engineBanner.showDegraded(Array.isArray(session.degraded) ? session.degraded : []);
        this.banners.set('engines-updated', 'info', []);
        if (this.restarts > 0) this.engineBanner.showDownloads();
        this.drawer.showSession(session);
        if (session.engines) this.drawer.showEngines(asEngines(session.engines), session.version ?? '');
        this.stateView.show('idle');
        for (const text of this.outbox.splice(0)) this.session?.send(textMessage(text));
        break;
      }
      case 'session.updated':
        this.drawer.showSession(event.session);
        if (this.settingsPending) {
          // The session came up after the engines finished loading: apply the settings now.
          this.settingsPending = false;
          this.session?.send(sessionUpdate(this.settings, INPUT_SAMPLE_RATE_HZ));
          this.engineBanner.showDegraded(Array.isArray(event.session?.degraded) ? event.session.degraded : []);
          this.banners.set('error-session_not_ready', 'info', []);
        }
        break;
      case 'agent.state':
        this.stateView.show(event.state);
        this.interruptButton.disabled = event.state !== 'thinking' && event.state !== 'speaking';
        if (event.state === 'speaking' && event.turn_id) this.allowReplyAudio(event.turn_id);
        break;
      case 'response.created':
        this.replyTurn = event.turn_id;
        break;
      case 'response.audio_transcript.delta':
        this.allowReplyAudio(event.turn_id);
        this.playback?.mark(event.turn_id, event.first_seq);
        break;
      case 'output_audio_buffer.cleared':
        this.dropReplyAudio(event.turn_id);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        if (event.transcript) this.announce(`You said: ${event.transcript}`);
        break;
      case 'response.done': {
        if (event.response?.status === 'interrupted') this.dropReplyAudio(event.turn_id);
        const turn = findTurn(this.conversation, event.turn_id);
        if (turn) this.announce(`LocalVoice: ${replyView(turn, false).text}`);
        break;
      }
      case 'turn.metrics':
        if (event.metrics) this.chart.add(this.chartTurnBase + event.turn_id, event.metrics);
        break;
      case 'engines.updated':
        this.onEnginesUpdated(asEngines(event.engines), typeof event.message === 'string' ? event.message : '');
        return; // may have replaced the session: nothing below applies to it

      case 'error': {
        const error = event.error;
        if (error?.code === 'session_not_ready') {
          this.settingsPending = true;
          this.banners.set('error-session_not_ready', 'info', ['The speech engines are still loading; one moment…']);
        } else if (!error?.turn_id) {
          const what = error?.event_id === 'settings' ? 'A setting was refused' : 'The server reported a problem';
          this.banners.set(`error-${error?.code}`, 'error', [
            `${what}: ${error?.message ?? error?.code}`,
            ...(error?.fix ? [error.fix] : []),
          ]);
        }
        break;
      }
    }
    if (this.restartPending && this.canRestart()) this.restartSession();
  }

  private dropReplyAudio(turnId: number): void {
    this.clearedTurn = Math.max(this.clearedTurn, turnId);
    void this.playback?.flush(turnId);
  }

  // After a flush the server may resume the same reply (the interruption was a cough): it says so with
  // agent.state speaking or a new sentence for that turn, and its audio plays again.
  private allowReplyAudio(turnId: number): void {
    const turn = findTurn(this.conversation, turnId);
    if (turnId === this.clearedTurn && turnId > this.cancelledTurn && turn?.status === null) {
      this.clearedTurn = turnId - 1;
      this.playback?.allow(turnId);
    }
  }

  // The user takes the turn back: silence the agent here at once, and tell the server.
  private interrupt(): void {
    if (!this.session) return;
    if (this.replyTurn) {
      this.cancelledTurn = Math.max(this.cancelledTurn, this.replyTurn);
      this.dropReplyAudio(this.replyTurn);
    }
    this.session.send({ type: 'response.cancel' });
  }

  private pttPress(): void {
    if (this.pttHeld || !this.capture) return;
    const state = this.conversation.agentState;
    if (state === 'speaking' || state === 'thinking') this.interrupt();
    this.pttHeld = true;
    this.pttButton.setAttribute('aria-pressed', 'true');
  }

  private pttRelease(): void {
    if (!this.pttHeld) return;
    this.pttHeld = false;
    this.pttButton.setAttribute('aria-pressed', 'false');
    this.session?.send({ type: 'input_audio_buffer.commit' });
  }

  private sendTyped(): void {
    const input = byId<HTMLInputElement>('message');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    recordTyped(this.conversation, text);
    this.transcript.update(this.conversation, 0);
    if (this.sessionReady && this.session) {
      this.session.send(textMessage(text));
    } else {
      this.outbox.push(text);
      if (!this.session) void this.start(false);
    }
  }

  private applySettings(settings: Settings): void {
    const micChanged =
      settings.echoCancellation !== this.settings.echoCancellation ||
      settings.noiseSuppression !== this.settings.noiseSuppression ||
      settings.autoGainControl !== this.settings.autoGainControl;
    this.settings = settings;
    saveSettings(storage, settings);
    this.showMode();
    if (this.sessionReady) this.session?.send(sessionUpdate(settings, INPUT_SAMPLE_RATE_HZ));
    if (micChanged && this.capture) {
      this.capture.close();
      this.capture = null;
      void this.openMic();
    }
  }

  private showMode(): void {
    const ptt = this.settings.mode === 'push-to-talk';
    this.pttButton.hidden = !ptt;
    byId('mode-hint').textContent = ptt ? 'Push to talk: hold Space or the Talk button.' : 'Hands-free: just speak.';
  }

  private stop(): void {
    this.closingOnPurpose = true;
    this.restartPending = false;
    this.banners.set('engines-updated', 'info', []);
    this.session?.close();
    this.teardown();
    this.stateView.show('offline');
  }

  private onClose(code: number, reason: string): void {
    const expected = this.closingOnPurpose;
    this.teardown();
    this.stateView.show('offline');
    if (!expected) {
      this.banners.set('connection', 'error', [
        `The connection to the server closed (${code}${reason ? `: ${reason}` : ''}). Press Start to reconnect.`,
      ]);
    }
  }

  private teardown(): void {
    this.session = null;
    this.sessionReady = false;
    this.pttHeld = false;
    this.replyTurn = 0;
    this.outbox = [];
    this.closeAudio();
    this.showStartButton();
    this.interruptButton.disabled = true;
  }

  private showStartButton(): void {
    const talking = this.capture !== null;
    this.startButton.textContent = talking ? 'Stop' : 'Start';
    this.startButton.setAttribute('aria-pressed', String(talking));
  }

  private closeAudio(): void {
    this.capture?.close();
    this.capture = null;
    this.showStartButton();
    this.playback?.close();
    this.playback = null;
    this.micRms = 0;
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }

  // Read-only view for the end-to-end test and the browser benchmark.
  private exposeForTests(): void {
    const app = this;
    Object.defineProperty(window, '__localvoice', {
      value: {
        get conversation() {
          return app.conversation;
        },
        get playback() {
          return app.playback?.stats ?? null;
        },
        get framesSent() {
          return app.session?.framesSent ?? 0;
        },
        get framesReceived() {
          return app.session?.framesReceived ?? 0;
        },
        get events() {
          return app.eventLog.slice();
        },
        get sendDelayMs() {
          return app.sendDelayMs.slice();
        },
        get downloads() {
          return app.engineBanner.downloads;
        },
        get catalog() {
          return app.engineBanner.catalog;
        },
        get restarts() {
          return app.restarts;
        },
        ping: () => app.session?.ping() ?? Promise.reject(new Error('not connected')),
      },
    });
  }
}

new App();
