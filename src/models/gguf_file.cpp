#include "models/gguf_file.h"

#include <gguf.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string_view>
#include <system_error>

#include "models/llama_backend.h"
#include "util/error.h"

namespace lv::models {
namespace {

constexpr std::string_view kGgufMagic = "GGUF";

struct GgufDeleter {
  void operator()(gguf_context* ctx) const { gguf_free(ctx); }
};

}  // namespace

void check_gguf_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    throw Error("model file not found: " + path.string(),
                "check the path in the llm engine URL (llama:/path/model.gguf) or download the model");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw Error("model path is not a file: " + path.string(), "point llama: at a .gguf file");
  }
  const auto size_bytes = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) {
    throw Error("cannot read model file " + path.string(), "check its permissions");
  }
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  if (in.gcount() != static_cast<std::streamsize>(magic.size()) ||
      std::string_view(magic.data(), magic.size()) != kGgufMagic) {
    throw Error("not a GGUF model file: " + path.string() + " (llama: needs a llama.cpp .gguf model)",
                "download a GGUF build of the model, or convert it with llama.cpp's convert_hf_to_gguf.py");
  }
  init_llama_backend();  // gguf reports header problems through ggml's logger
  gguf_init_params params{};
  params.no_alloc = true;
  params.ctx = nullptr;
  std::unique_ptr<gguf_context, GgufDeleter> gguf(gguf_init_from_file(path.c_str(), params));
  if (!gguf) {
    throw Error("damaged or truncated GGUF file: " + path.string() + " (its header cannot be read)",
                "download the model again; the file is incomplete or corrupt");
  }
  std::uint64_t needed_bytes = gguf_get_data_offset(gguf.get());
  for (std::int64_t i = 0; i < gguf_get_n_tensors(gguf.get()); ++i) {
    needed_bytes =
        std::max<std::uint64_t>(needed_bytes, gguf_get_data_offset(gguf.get()) + gguf_get_tensor_offset(gguf.get(), i) +
                                                  gguf_get_tensor_size(gguf.get(), i));
  }
  if (size_bytes < needed_bytes) {
    throw Error("truncated GGUF file: " + path.string() + " has " + std::to_string(size_bytes) +
                    " bytes but its tensors need " + std::to_string(needed_bytes),
                "the download was interrupted; download the model again");
  }
}

}  // namespace lv::models
