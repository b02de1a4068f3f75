#include "app/session_factory.h"

#include <utility>

#include "app/engine_loader.h"
#include "app/knowledge_setup.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::app {

std::vector<session::EngineNote> engine_notes(const engine::EngineStatusBoard& board) {
  std::vector<session::EngineNote> notes;
  for (const auto& status : board.snapshot()) {
    notes.push_back({std::string(engine::kind_name(status.kind)), status.url,
                     std::string(engine::state_name(status.state)), status.detail,
                     std::string(engine::kind_label(status.kind)), status.summary});
  }
  return notes;
}

session::SessionEngines session_engines(const EngineSet& loaded, const engine::EngineStatusBoard* board) {
  session::SessionEngines engines;
  engines.vad = loaded.vad;
  engines.stt = loaded.stt;
  engines.llm = loaded.llm;
  engines.tts = loaded.tts;
  engines.context = loaded.context;
  engines.stt_name = loaded.stt_url;
  engines.llm_name = loaded.llm_url;
  engines.tts_name = loaded.tts_url;
  // Once downloaded, the recommended model is used without any setting (with_installed_profile_engines).
  engines.llm_install_command = "localvoice models pull --profile " + std::string(kRecommendedProfile) +
                                " (or the Download button in the web UI)";
  if (board != nullptr) {
    engines.status = engine_notes(*board);
  }
  return engines;
}

EngineSet load_engine_set(const config::Config& config, const EngineSetup& setup) {
  if (config.engines.stt.empty()) {
    throw Error("no speech recognizer is configured", "set engines.stt (--stt " + config::EnginesConfig{}.stt + ")");
  }
  // The server's loading policy, without routes: fallbacks as registered, what fails is left out (logged).
  engine::EngineStatusBoard board;
  LoadedEngines loaded;
  load_engines({&config, &setup, &board, nullptr, &loaded}, configured_engines(config));
  EngineSet set = loaded.snapshot();
  if (!set.stt) {
    // A session cannot start without hearing the user: the one engine whose failure stops `converse`.
    for (const auto& status : board.snapshot()) {
      if (status.kind == engine::EngineKind::stt) {
        throw Error("the speech recognizer " + status.url + " could not load: " + status.detail,
                    "fix engines.stt (--stt); `localvoice doctor` checks it");
      }
    }
  }
  try {
    auto knowledge = open_knowledge_base(config, set.embeddings);
    (void)knowledge->sync();
    if (knowledge->chunk_count() > 0) {
      set.context = make_context_provider(config, knowledge);
    }
  } catch (const Error& e) {
    log::warn("knowledge base unavailable; answering without it",
              {{"kb_dir", config.paths.kb_dir.string()}, {"detail", e.full_message()}});
  }
  return set;
}

session::SessionSource make_session_source(SessionFactoryDeps deps) {
  session::SessionSource source;
  if (deps.board) {
    source.ready = [board = deps.board] { return board->loaded(); };
  }
  source.engines = [loaded = deps.engines, board = deps.board] {
    return session_engines(loaded->snapshot(), board.get());
  };
  source.runtime = std::move(deps.runtime);
  source.history = std::move(deps.history);
  source.defaults = std::move(deps.defaults);
  return source;
}

session::SessionFactory make_session_factory(SessionFactoryDeps deps) {
  return session::make_session_factory(make_session_source(std::move(deps)));
}

}  // namespace lv::app
