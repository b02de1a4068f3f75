// "Did you mean ...?" for misspelled setting names, environment variables and flags.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lv::config {

// Edit distance counting insertions, deletions, substitutions and swaps of neighbours, ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known key closest to `unknown` ("server.prot" -> "server.port", "port" -> "server.port"), or
// nullopt when nothing is close enough to be a plausible typo.
std::optional<std::string> suggest_key(std::string_view unknown);

// The same for environment variables ("LOCALVOICE_SERVER_PROT" -> "LOCALVOICE_SERVER_PORT").
std::optional<std::string> suggest_env(std::string_view unknown);

// The section closest to `unknown` ("sever" -> "server").
std::optional<std::string> suggest_section(std::string_view unknown);

// "did you mean 'server.port'?" for an unknown key (or a pointer to the list of keys).
std::string unknown_key_fix(std::string_view unknown);
std::string unknown_env_fix(std::string_view unknown);

}  // namespace lv::config
