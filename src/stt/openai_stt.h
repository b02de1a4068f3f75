// Remote speech-to-text over OpenAI's POST /v1/audio/transcriptions (faster-whisper servers, Speaches,
// another LocalVoice).
#pragma once

#include <string>
#include <vector>

#include "stt/stt_engine.h"

namespace lv::stt {

struct OpenAiSttSettings {
  std::string base_url;  // "http://host:8000/v1" (the endpoint path is appended)
  std::string model = "whisper-1";
  std::string api_key;   // sent as "Authorization: Bearer ..." when set
  std::string language;  // default language when a call names none ("" lets the server decide)
  int connect_timeout_ms = 3000;
  int timeout_ms = 120000;  // whole request, upload and transcription included
};

class OpenAiStt final : public SttEngine {
 public:
  // Checks the URL only; the server is contacted per call (it may start after this program).
  explicit OpenAiStt(OpenAiSttSettings settings);

  SttCapabilities capabilities() const override;
  // Uploads the audio as 16 kHz PCM WAV and asks for verbose_json (segments). Throws lv::Error naming the
  // server and the problem (unreachable, timeout, HTTP error with the server's message, malformed reply),
  // Cancelled when `stop` triggers.
  Transcript transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options = {},
                        std::stop_token stop = {}) const override;

  const std::string& endpoint() const { return endpoint_; }

 private:
  OpenAiSttSettings settings_;
  std::string endpoint_;
};

// Builds a multipart/form-data body. Exposed for tests and for other clients of transcription servers.
struct MultipartPart {
  std::string name;
  std::string value;
  std::string filename;      // set for file parts
  std::string content_type;  // set for file parts
};
std::string encode_multipart(const std::vector<MultipartPart>& parts, const std::string& boundary);

}  // namespace lv::stt
