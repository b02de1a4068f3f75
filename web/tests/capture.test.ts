import { describe, expect, it } from 'vitest';

import { microphoneErrorMessage, microphoneUnavailableReason } from '../src/capture';

describe('microphone problems', () => {
  it('explains an insecure page and how to open it instead', () => {
    const reason = microphoneUnavailableReason({ isSecureContext: false, hasMediaDevices: false });
    expect(reason).toMatch(/secure/);
    expect(reason).toMatch(/localhost/);
    expect(reason).toMatch(/127\.0\.0\.1/);
    expect(reason).toMatch(/HTTPS/);
    expect(microphoneUnavailableReason({ isSecureContext: true, hasMediaDevices: false })).toMatch(/mediaDevices/);
    expect(microphoneUnavailableReason({ isSecureContext: true, hasMediaDevices: true })).toBeNull();
  });

  it('says what to do for each getUserMedia failure', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(microphoneErrorMessage(named('NotAllowedError'))).toMatch(/denied.*Allow the microphone/s);
    expect(microphoneErrorMessage(named('NotFoundError'))).toMatch(/No microphone was found/);
    expect(microphoneErrorMessage(named('NotReadableError'))).toMatch(/busy/);
    expect(microphoneErrorMessage(new Error('boom'))).toMatch(/boom/);
    expect(microphoneErrorMessage(null)).toMatch(/could not be opened/);
  });
});
