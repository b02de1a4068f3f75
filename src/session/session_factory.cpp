#include "session/session_factory.h"

#include <utility>

#include "util/log.h"

namespace lv::session {

SessionFactory make_session_factory(SessionSource source) {
  return [source = std::move(source)](const std::string& session_id, EventSink sink) -> VoiceSessionPtr {
    if (source.ready && !source.ready()) {
      return nullptr;
    }
    auto engines = source.engines ? source.engines() : SessionEngines{};
    if (!engines.vad || !engines.stt) {
      log::warn("voice session refused: no speech recognizer loaded",
                {{"session_id", session_id}, {"fix", "check `localvoice doctor` and engines.stt"}});
      return nullptr;
    }
    return create_voice_session(*source.runtime, std::move(engines), source.defaults, std::move(sink), source.history,
                                session_id);
  };
}

}  // namespace lv::session
