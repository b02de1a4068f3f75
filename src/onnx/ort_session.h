// Opening onnxruntime sessions quietly and one at a time, and reading a graph's input and output names.
#pragma once

#include <onnxruntime_cxx_api.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lv::onnx {

// Single-threaded, fully optimized: the models run on small frames, where threads cost more than they gain,
// and one thread per stream keeps cores free for STT and the LLM.
Ort::SessionOptions single_thread_options();

// Creates a session for `model_path`. Debian's onnxruntime and libonnx both register the ONNX operator
// schemas, so a process's first session prints ~1,260 harmless "Schema error" lines on fd 2: creation runs
// with fd 2 pointed at /dev/null, serialized process-wide because fd 2 is shared. Throws Ort::Exception.
std::unique_ptr<Ort::Session> open_session(const Ort::Env& env, const std::filesystem::path& model_path,
                                           const Ort::SessionOptions& options);

// The names and shapes (-1 for a dynamic dimension) of a session's inputs or outputs, in graph order.
struct TensorInfo {
  std::string name;
  std::vector<std::int64_t> shape;
};
std::vector<TensorInfo> inputs_of(const Ort::Session& session);
std::vector<TensorInfo> outputs_of(const Ort::Session& session);

}  // namespace lv::onnx
