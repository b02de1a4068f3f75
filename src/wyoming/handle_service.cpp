#include "wyoming/handle_service.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "util/error.h"
#include "util/log.h"
#include "util/text.h"
#include "util/version.h"

namespace lv::wyoming {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

Event make_event(std::string type, json data = json::object()) {
  Event event;
  event.type = std::move(type);
  event.data = std::move(data);
  return event;
}

}  // namespace

// One conversation: a text-only voice session, and the connection waiting for its current answer.
class Conversation : public std::enable_shared_from_this<Conversation> {
 public:
  explicit Conversation(std::string id) : id_(std::move(id)) {}

  // Makes and starts the session; false when none can be made (the engines still load).
  bool open(const session::SessionFactory& factory) {
    std::weak_ptr<Conversation> weak = weak_from_this();
    session_ = factory("wyoming-" + id_, [weak](session::SessionEvent event) {
      if (auto self = weak.lock()) {
        self->on_event(std::move(event));
      }
    });
    if (!session_) {
      return false;
    }
    session_->start();
    return true;
  }

  // Sends `text` as the user's next turn; the answer goes to `writer` (a request still waiting is told it was
  // replaced).
  void ask(std::string text, json context, EventWriterPtr writer) {
    {
      std::lock_guard lock(mutex_);
      if (writer_) {
        writer_->write(make_event(
            "not-handled", {{"text", "a newer request in this conversation replaced it"}, {"context", context_}}));
      }
      writer_ = std::move(writer);
      context_ = std::move(context);
      turn_.reset();
      error_.clear();
      used_at_ = Clock::now();
    }
    session_->push_text(std::move(text));
  }

  // The connection went away: its answer is no longer sent (the turn still completes, into the history).
  void detach(const EventWriter* writer) {
    std::lock_guard lock(mutex_);
    if (writer_.get() == writer) {
      writer_.reset();
    }
  }

  void close() {
    if (session_) {
      session_->close();
    }
  }

  bool waiting() const {
    std::lock_guard lock(mutex_);
    return static_cast<bool>(writer_);
  }
  Clock::time_point used_at() const {
    std::lock_guard lock(mutex_);
    return used_at_;
  }

 private:
  void on_event(session::SessionEvent event) {
    std::lock_guard lock(mutex_);
    if (!writer_) {
      return;
    }
    std::visit(
        [this](auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, session::ReplyStarted>) {
            if (!turn_) {
              turn_ = e.turn;
              writer_->write(make_event("handled-start", {{"context", context_}}));
            }
          } else if constexpr (std::is_same_v<T, session::ReplyTextDelta>) {
            if (turn_ == e.turn && !e.delta.empty()) {
              writer_->write(make_event("handled-chunk", {{"text", e.delta}}));
            }
          } else if constexpr (std::is_same_v<T, session::SessionError>) {
            if (turn_ == e.turn) {
              error_ = e.message;
            }
          } else if constexpr (std::is_same_v<T, session::ReplyDone>) {
            if (turn_ == e.turn) {
              finish(e);
            }
          }
        },
        event);
  }

  void finish(const session::ReplyDone& done) {
    writer_->write(make_event("handled-stop"));
    const std::string text(util::trim(done.text_generated));
    if (done.status == session::ReplyStatus::failed && text.empty()) {
      writer_->write(
          make_event("not-handled", {{"text", error_.empty() ? "the reply failed" : error_}, {"context", context_}}));
    } else {
      writer_->write(make_event("handled", {{"text", text}, {"context", context_}}));
    }
    writer_.reset();
    used_at_ = Clock::now();
  }

  std::string id_;
  session::VoiceSessionPtr session_;
  mutable std::mutex mutex_;
  EventWriterPtr writer_;  // the connection waiting for the current answer
  json context_ = json::object();
  std::optional<session::TurnId> turn_;
  std::string error_;
  Clock::time_point used_at_ = Clock::now();
};

// Conversation id -> conversation, bounded, idle ones expiring.
class ConversationStore {
 public:
  ConversationStore(session::SessionFactory factory, HandleServiceOptions options)
      : factory_(std::move(factory)), options_(std::move(options)) {}

  ~ConversationStore() {
    for (auto& [id, conversation] : conversations_) {
      conversation->close();
    }
  }
  ConversationStore(const ConversationStore&) = delete;
  ConversationStore& operator=(const ConversationStore&) = delete;

  // The conversation of `id` (made now when new or expired); nullptr when no session can be made.
  std::shared_ptr<Conversation> get(const std::string& id) {
    std::vector<std::shared_ptr<Conversation>> closing;
    std::shared_ptr<Conversation> found;
    {
      std::lock_guard lock(mutex_);
      expire(closing);
      if (const auto it = conversations_.find(id); it != conversations_.end()) {
        found = it->second;
      } else {
        make_room(closing);
        found = std::make_shared<Conversation>(id);
        if (found->open(factory_)) {
          conversations_.emplace(id, found);
        } else {
          found.reset();
        }
      }
    }
    for (auto& conversation : closing) {
      conversation->close();  // outside the lock: closing waits for the session's work
    }
    return found;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return conversations_.size();
  }

 private:
  void expire(std::vector<std::shared_ptr<Conversation>>& closing) {
    const auto now = Clock::now();
    for (auto it = conversations_.begin(); it != conversations_.end();) {
      if (!it->second->waiting() && now - it->second->used_at() > options_.idle_expiry) {
        closing.push_back(it->second);
        it = conversations_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void make_room(std::vector<std::shared_ptr<Conversation>>& closing) {
    while (conversations_.size() >= std::max<std::size_t>(options_.max_conversations, 1)) {
      auto oldest = conversations_.end();
      for (auto it = conversations_.begin(); it != conversations_.end(); ++it) {
        if (!it->second->waiting() &&
            (oldest == conversations_.end() || it->second->used_at() < oldest->second->used_at())) {
          oldest = it;
        }
      }
      if (oldest == conversations_.end()) {
        return;  // every one is answering: hold one more for now
      }
      closing.push_back(oldest->second);
      conversations_.erase(oldest);
    }
  }

  session::SessionFactory factory_;
  HandleServiceOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Conversation>> conversations_;
};

namespace {

// One connection: each transcript goes to its conversation; answers come back through the writer.
class HandleHandler final : public ServiceHandler {
 public:
  HandleHandler(std::shared_ptr<ConversationStore> store, EventWriterPtr writer)
      : store_(std::move(store)), writer_(std::move(writer)) {}
  ~HandleHandler() override { HandleHandler::close(); }
  HandleHandler(const HandleHandler&) = delete;
  HandleHandler& operator=(const HandleHandler&) = delete;

  bool on_event(const Event& event) override {
    if (event.type != "transcript") {
      return false;
    }
    const auto text = event.data.find("text");
    const std::string said = text != event.data.end() && text->is_string() ? text->get<std::string>() : "";
    json context =
        event.data.contains("context") && event.data["context"].is_object() ? event.data["context"] : json::object();
    if (util::is_blank(said)) {
      writer_->write(make_event("not-handled", {{"text", "nothing was said"}, {"context", context}}));
      return true;
    }
    std::string id = conversation_id(context);
    if (id.empty()) {
      id = "connection-" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
    }
    auto conversation = store_->get(id);
    if (!conversation) {
      writer_->write(make_event("not-handled", {{"text", "LocalVoice is still loading its engines; try again shortly"},
                                                {"context", context}}));
      return true;
    }
    if (conversation_ && conversation_ != conversation) {
      conversation_->detach(writer_.get());
    }
    conversation_ = conversation;
    conversation->ask(said, std::move(context), writer_);
    return true;
  }

  void close() override {
    if (conversation_) {
      conversation_->detach(writer_.get());
      conversation_.reset();
    }
  }

 private:
  static std::string conversation_id(const json& context) {
    const auto id = context.find("conversation_id");
    if (id == context.end()) {
      return {};
    }
    return id->is_string() ? id->get<std::string>() : id->is_null() ? std::string() : id->dump();
  }

  std::shared_ptr<ConversationStore> store_;
  EventWriterPtr writer_;
  std::shared_ptr<Conversation> conversation_;
};

}  // namespace

HandleService::HandleService(session::SessionSource source, HandleServiceOptions options)
    : options_(std::move(options)) {
  if (!source.runtime) {
    throw Error("the Wyoming handle service needs the session runtime", "pass SessionSource::runtime");
  }
  // Text answers only: without a TTS the session neither synthesizes nor paces the reply to playout.
  source.engines = [inner = std::move(source.engines)] {
    auto engines = inner ? inner() : session::SessionEngines{};
    engines.tts = nullptr;
    engines.tts_name.clear();
    return engines;
  };
  store_ = std::make_shared<ConversationStore>(session::make_session_factory(std::move(source)), options_);
}

HandleService::~HandleService() = default;

void HandleService::describe(json& info_data) const {
  const json attribution = {{"name", "LocalVoice"}, {"url", ""}};
  const std::string engines = options_.engines_summary.empty() ? "" : " (" + options_.engines_summary + ")";
  if (!info_data.contains("handle") || !info_data["handle"].is_array()) {
    info_data["handle"] = json::array();
  }
  info_data["handle"].push_back(
      {{"name", "localvoice-assistant"},
       {"description", "LocalVoice assistant: your knowledge base and language model" + engines},
       {"attribution", attribution},
       {"installed", true},
       {"version", kVersion},
       {"models", json::array({{{"name", "localvoice"},
                                {"description", "the voice session's reply pipeline"},
                                {"attribution", attribution},
                                {"installed", true},
                                {"version", kVersion},
                                {"languages", json::array({"en"})}}})},
       {"supports_handled_streaming", true}});
}

std::unique_ptr<ServiceHandler> HandleService::open(EventWriterPtr writer) {
  return std::make_unique<HandleHandler>(store_, std::move(writer));
}

std::size_t HandleService::conversation_count() const { return store_->size(); }

}  // namespace lv::wyoming
