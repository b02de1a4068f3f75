#include "onnx/ort_session.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "util/unique_fd.h"

namespace lv::onnx {

namespace {

// Points fd 2 at /dev/null for its lifetime (what was buffered for stderr is written first, either side).
class StderrSilencer {
 public:
  StderrSilencer() : saved_(::dup(STDERR_FILENO)) {
    std::fflush(stderr);
    const util::UniqueFd null_fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    if (saved_.valid() && null_fd.valid()) {
      ::dup2(null_fd.get(), STDERR_FILENO);
    }
  }
  ~StderrSilencer() {
    std::fflush(stderr);
    if (saved_.valid()) {
      ::dup2(saved_.get(), STDERR_FILENO);
    }
  }
  StderrSilencer(const StderrSilencer&) = delete;
  StderrSilencer& operator=(const StderrSilencer&) = delete;

 private:
  util::UniqueFd saved_;
};

std::mutex& creation_mutex() {
  static std::mutex mutex;
  return mutex;
}

template <typename NameOf, typename InfoOf>
std::vector<TensorInfo> describe(std::size_t count, NameOf name_of, InfoOf info_of) {
  std::vector<TensorInfo> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto info = info_of(i);
    out.push_back({name_of(i), info.GetTensorTypeAndShapeInfo().GetShape()});
  }
  return out;
}

}  // namespace

Ort::SessionOptions single_thread_options() {
  Ort::SessionOptions options;
  options.SetIntraOpNumThreads(1);
  options.SetInterOpNumThreads(1);
  options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
  return options;
}

std::unique_ptr<Ort::Session> open_session(const Ort::Env& env, const std::filesystem::path& model_path,
                                           const Ort::SessionOptions& options) {
  const std::lock_guard lock(creation_mutex());
  const StderrSilencer silence;
  return std::make_unique<Ort::Session>(env, model_path.c_str(), options);
}

std::vector<TensorInfo> inputs_of(const Ort::Session& session) {
  Ort::AllocatorWithDefaultOptions allocator;
  return describe(
      session.GetInputCount(),
      [&](std::size_t i) { return std::string(session.GetInputNameAllocated(i, allocator).get()); },
      [&](std::size_t i) { return session.GetInputTypeInfo(i); });
}

std::vector<TensorInfo> outputs_of(const Ort::Session& session) {
  Ort::AllocatorWithDefaultOptions allocator;
  return describe(
      session.GetOutputCount(),
      [&](std::size_t i) { return std::string(session.GetOutputNameAllocated(i, allocator).get()); },
      [&](std::size_t i) { return session.GetOutputTypeInfo(i); });
}

}  // namespace lv::onnx
