// Reads one file out of a .tgz (npm package tarballs carry some models, e.g. Silero VAD).
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

namespace lv::models {

// Streams the member named `member` (e.g. "package/dist/silero_vad_v5.onnx") of the gzip-compressed tar
// `archive` to `sink` in pieces. Throws lv::Error when the archive is corrupt or has no such member.
void extract_tgz_member(const std::filesystem::path& archive, std::string_view member,
                        const std::function<void(std::string_view piece)>& sink);

}  // namespace lv::models
