#include "app/knowledge_setup.h"

#include <algorithm>

#include "kb/kb_context_provider.h"

namespace lv::app {

kb::KnowledgeBaseOptions knowledge_base_options(const config::Config& config, embed::EmbeddingEnginePtr embeddings) {
  kb::KnowledgeBaseOptions options;
  options.kb_dir = config.paths.kb_dir;
  options.db_path = config.paths.data_dir / "knowledge.sqlite3";
  options.embeddings = std::move(embeddings);
  options.chunks.target_words = config.kb.chunk_words;
  // Paragraphs may run a third past the target before a chunk must end.
  options.chunks.max_words = std::max(config.kb.chunk_words + 1, config.kb.chunk_words * 4 / 3);
  options.chunks.overlap_words = config.kb.chunk_overlap_words;
  options.max_file_bytes = config.kb.max_file_bytes;
  return options;
}

kb::KnowledgeBasePtr open_knowledge_base(const config::Config& config, embed::EmbeddingEnginePtr embeddings) {
  return kb::KnowledgeBase::open(knowledge_base_options(config, std::move(embeddings)));
}

session::ContextProviderPtr make_context_provider(const config::Config& config, kb::KnowledgeBasePtr knowledge_base) {
  return std::make_shared<kb::KbContextProvider>(std::move(knowledge_base), static_cast<std::size_t>(config.kb.top_k),
                                                 config.kb.min_score);
}

}  // namespace lv::app
