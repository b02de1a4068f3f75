// Where the web UI's files are: the configured directory, or the one that ships beside the program.
#pragma once

#include <filesystem>
#include <string>

namespace lv::app {

// `configured` when set; otherwise web/dist (the built UI), then web/static, beside the program's source
// tree (the program lives in build/). Empty when none exists.
std::filesystem::path resolve_web_root(const std::string& configured);

}  // namespace lv::app
