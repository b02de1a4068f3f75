#include "app/engine_setup.h"

#include "util/error.h"

namespace lv::app {

std::vector<std::pair<engine::EngineKind, std::string>> configured_engines(const config::Config& config) {
  return {{engine::EngineKind::vad, config.engines.vad},
          {engine::EngineKind::stt, config.engines.stt},
          {engine::EngineKind::llm, config.engines.llm},
          {engine::EngineKind::tts, config.engines.tts},
          {engine::EngineKind::embeddings, config.engines.embeddings}};
}

engine::EngineStatus check_engine(const EngineSetup& setup, engine::EngineKind kind, const std::string& url) {
  engine::EngineStatus status;
  status.kind = kind;
  if (url.empty()) {
    status.state = engine::EngineState::absent;
    status.detail = "none configured";
    return status;
  }
  engine::EngineUrl parsed;
  try {
    parsed = engine::parse_engine_url(url);
  } catch (const Error& e) {
    status.url = url;
    status.state = engine::EngineState::failed;
    status.detail = e.full_message();
    return status;
  }
  status.url = parsed.redacted();
  const auto it = setup.schemes.find(kind);
  const std::vector<engine::SchemeInfo> none;
  const auto& schemes = it == setup.schemes.end() ? none : it->second;
  for (const auto& info : schemes) {
    if (info.scheme == parsed.scheme) {
      status.state = engine::EngineState::ready;
      status.detail = info.description;
      return status;
    }
  }
  status.state = engine::EngineState::failed;
  if (schemes.empty()) {
    status.detail = "this build of LocalVoice has no " + std::string(engine::kind_name(kind)) + " engines yet";
  } else {
    std::string known;
    for (const auto& info : schemes) {
      known += (known.empty() ? "" : ", ") + info.example;
    }
    status.detail = "'" + parsed.scheme + "' is not a " + std::string(engine::kind_name(kind)) +
                    " engine of this build; use one of: " + known;
  }
  return status;
}

}  // namespace lv::app
