// Opens the knowledge base the configuration names, for the server and `converse`.
#pragma once

#include "config/config.h"
#include "embed/embedding_engine.h"
#include "kb/knowledge_base.h"
#include "session/context_provider.h"

namespace lv::app {

// The knowledge base's options from the configuration: paths.kb_dir, <data_dir>/knowledge.sqlite3, kb.*.
// `embeddings` may be null (lexical search only).
kb::KnowledgeBaseOptions knowledge_base_options(const config::Config& config, embed::EmbeddingEnginePtr embeddings);

// Opens it. The index lives in <data_dir>/knowledge.sqlite3 and the documents in paths.kb_dir. Throws lv::Error when
// either cannot be opened. Nothing is read from the folder until sync().
kb::KnowledgeBasePtr open_knowledge_base(const config::Config& config, embed::EmbeddingEnginePtr embeddings);

// The session's context hook over `knowledge_base`, with kb.top_k and kb.min_score.
session::ContextProviderPtr make_context_provider(const config::Config& config, kb::KnowledgeBasePtr knowledge_base);

}  // namespace lv::app
