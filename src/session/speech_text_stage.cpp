#include "session/speech_text_stage.h"

#include <utility>

#include "util/clock.h"

namespace lv::session {

void SpeechTextStage::begin(ReplyTurn&) {
  markdown_.reset();
  splitter_.reset();
  sentences_made_ = 0;
  ended_ = false;
}

void SpeechTextStage::push_text(ReplyTurn& reply, std::string_view text) {
  if (ended_) {
    return;
  }
  std::vector<std::string> sentences = splitter_.push(markdown_.push(text));
  pass_on(reply, sentences);
}

void SpeechTextStage::end(ReplyTurn& reply) {
  if (ended_) {
    return;
  }
  ended_ = true;
  std::vector<std::string> sentences = splitter_.push(markdown_.finish());
  for (auto& sentence : splitter_.flush()) {
    sentences.push_back(std::move(sentence));
  }
  pass_on(reply, sentences);
  next_->end(reply);
}

void SpeechTextStage::pass_on(ReplyTurn& reply, std::vector<std::string>& sentences) {
  for (const auto& sentence : sentences) {
    if (sentences_made_++ == 0 && reply.llm_request_at) {
      reply.metrics.first_sentence_ms = util::ms_since(*reply.llm_request_at);
    }
    next_->push_text(reply, sentence);
  }
}

}  // namespace lv::session
