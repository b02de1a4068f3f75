// load(): applies defaults, the config file, LOCALVOICE_* variables and flags in turn, then checks the result.
#include <unistd.h>

#include <toml++/toml.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

#include "config/config.h"
#include "config/key_suggest.h"
#include "config/settings.h"
#include "engine/engine_catalog.h"
#include "engine/engine_url.h"
#include "util/error.h"

namespace lv::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kEnvPrefix = "LOCALVOICE_";
constexpr std::string_view kConfigEnv = "LOCALVOICE_CONFIG";
constexpr std::string_view kFileKey = "config";

// Where a value came from, so that an error can point at it.
struct Origin {
  enum class Kind { preset, file, env, flag };
  Kind kind = Kind::preset;
  std::string where;  // file path, variable name or flag
  std::size_t line = 0;
};

// "server.port" prefixed or suffixed with where its value came from.
std::string located(std::string_view key, const Origin& origin) {
  switch (origin.kind) {
    case Origin::Kind::preset:
      return std::string(key);
    case Origin::Kind::file:
      return origin.where + ":" + std::to_string(origin.line) + ": " + std::string(key);
    case Origin::Kind::env:
    case Origin::Kind::flag:
      return std::string(key) + " (from " + origin.where + ")";
  }
  return std::string(key);
}

// Throws for a name that is not a setting; the file line (if any) leads, as in compiler messages.
[[noreturn]] void fail_unknown(const std::string& name, const Origin& origin, const std::string& problem,
                               std::string fix) {
  const std::string where =
      origin.kind == Origin::Kind::file ? origin.where + ":" + std::to_string(origin.line) + ": " : "";
  throw ConfigError(name, where + problem, std::move(fix));
}

[[noreturn]] void fail(std::string_view key, const Origin& origin, const std::string& problem, std::string fix) {
  throw ConfigError(std::string(key), located(key, origin) + ": " + problem, std::move(fix));
}

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::string:
      return "text";
    case toml::node_type::integer:
      return "a whole number";
    case toml::node_type::floating_point:
      return "a decimal number";
    case toml::node_type::boolean:
      return "true/false";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

bool is_section(std::string_view name) {
  for (const KeyInfo& info : keys()) {
    if (info.key.substr(0, info.key.find('.')) == name) return true;
  }
  return false;
}

std::string_view leaf_of(std::string_view key) { return key.substr(key.find('.') + 1); }

// The engine kind an "engines.KIND" key names.
std::optional<engine::EngineKind> engine_kind_of(std::string_view key) {
  if (key.rfind("engines.", 0) != 0) return std::nullopt;
  for (const auto kind : {engine::EngineKind::vad, engine::EngineKind::stt, engine::EngineKind::tts,
                          engine::EngineKind::llm, engine::EngineKind::embeddings}) {
    if (engine::kind_name(kind) == leaf_of(key)) return kind;
  }
  return std::nullopt;
}

bool path_exists(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

std::string read_config_file(const fs::path& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    throw ConfigError(std::string(kFileKey), "config file '" + path.string() + "' is a directory",
                      "pass the path of a .toml file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(std::string(kFileKey), "cannot read config file '" + path.string() + "': " + std::strerror(errno),
                      "check that it exists and that you may read it");
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

class Loader {
 public:
  explicit Loader(const Sources& sources) : sources_(sources) {}

  Config run() {
    if (const auto file = find_config_file(sources_)) {
      apply_file(*file);
    }
    apply_env();
    apply_flags();
    expand_home();
    fill_path_defaults();
    check_web_root();
    check_model_files();
    return config_;
  }

 private:
  // A variable of the environment, treating empty as unset.
  std::optional<std::string> env(std::string_view name) const {
    const auto it = sources_.env.find(std::string(name));
    if (it == sources_.env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }

  void apply(const Setting& setting, const Value& value, const Origin& origin) {
    try {
      check_engine_url(setting, value);
      check_value(setting, value);
    } catch (const ConfigError&) {
      throw;
    } catch (const Error& error) {
      fail(setting.key, origin, error.what(), error.fix());
    }
    setting.store(config_, value);
    origins_[std::string(setting.key)] = origin;
  }

  // An engines.* value checked against the engines this program registered (when it said which).
  void check_engine_url(const Setting& setting, const Value& value) const {
    const auto kind = engine_kind_of(setting.key);
    const auto* text = std::get_if<std::string>(&value);
    if (sources_.engines == nullptr || !kind || text == nullptr || text->empty()) return;
    (void)sources_.engines->check(*kind, *text);
  }

  // How to get a model file for `url`: a catalog model its engine loads, when there is one.
  std::string model_example(std::string_view key, const engine::EngineUrl& url) const {
    const auto kind = engine_kind_of(key);
    const auto* info = sources_.engines != nullptr && kind ? sources_.engines->find(*kind, url.scheme) : nullptr;
    if (info != nullptr && info->catalog) {
      const auto example = engine::parse_engine_url(info->example);
      if (!engine::catalog_model_name(*info, example).empty()) return info->example;
    }
    return url.scheme + ":NAME";
  }

  void apply_text(const Setting& setting, const std::string& text, const Origin& origin) {
    Value value;
    try {
      value = parse_text(setting, text);
    } catch (const Error& error) {
      fail(setting.key, origin, error.what(), error.fix());
    }
    apply(setting, value, origin);
  }

  Value from_node(const Setting& setting, const toml::node& node, const Origin& origin) const {
    const std::string leaf(leaf_of(setting.key));
    if (const auto* text = node.as_string()) {
      if (setting.type == ValueType::text) return text->get();
      if (setting.type == ValueType::size) {
        try {
          return parse_size(text->get());
        } catch (const Error& error) {
          fail(setting.key, origin, error.what(), error.fix());
        }
      }
      const std::string example = setting.type == ValueType::decimal ? "0.15" : text->get();
      fail(setting.key, origin, "must be a number, not text",
           "write it without quotes, e.g. " + leaf + " = " + example);
    }
    if (setting.type == ValueType::decimal) {
      if (const auto* decimal = node.as_floating_point()) return decimal->get();
      if (const auto* number = node.as_integer()) return static_cast<double>(number->get());
      fail(setting.key, origin, "must be a number, not " + std::string(type_name(node.type())),
           "write it without quotes, e.g. " + leaf + " = 0.15");
    }
    if (const auto* number = node.as_integer(); number != nullptr && setting.type != ValueType::text) {
      return number->get();
    }
    if (setting.type == ValueType::text) {
      fail(setting.key, origin, "must be text, not " + std::string(type_name(node.type())),
           "put the value in double quotes, e.g. " + leaf + " = \"...\"");
    }
    fail(setting.key, origin, "must be a whole number, not " + std::string(type_name(node.type())),
         "write digits only, e.g. " + leaf + " = 8080");
  }

  void apply_file(const fs::path& path) {
    const std::string content = read_config_file(path);
    toml::table table;
    try {
      table = toml::parse(content, path.string());
    } catch (const toml::parse_error& error) {
      const auto& begin = error.source().begin;
      throw ConfigError(std::string(kFileKey),
                        path.string() + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                            ": not valid TOML: " + std::string(error.description()),
                        "fix the syntax at that line; docs/configuration.md shows an example file");
    }
    for (const auto& [section_key, section_node] : table) {
      const std::string section(section_key.str());
      const Origin origin{Origin::Kind::file, path.string(), section_key.source().begin.line};
      const auto* entries = section_node.as_table();
      if (!is_section(section)) {
        if (entries != nullptr) {
          const auto suggestion = suggest_section(section);
          fail_unknown(section, origin, "unknown section [" + section + "]",
                       suggestion ? "did you mean [" + *suggestion + "]?"
                                  : "use [server], [engines], [paths], [kb], [session], [tools], [wyoming] or [log]");
        }
        fail_unknown(section, origin, "unknown key '" + section + "'", unknown_key_fix(section));
      }
      if (entries == nullptr) {
        fail(section, origin, "must be a section, not " + std::string(type_name(section_node.type())),
             "write [" + section + "] on its own line and put its keys below it");
      }
      for (const auto& [name_key, node] : *entries) {
        const std::string key = section + "." + std::string(name_key.str());
        const Origin key_origin{Origin::Kind::file, path.string(), name_key.source().begin.line};
        const Setting* setting = find_setting(key);
        if (setting == nullptr) {
          fail_unknown(key, key_origin, "unknown key '" + key + "'", unknown_key_fix(key));
        }
        apply(*setting, from_node(*setting, node, key_origin), key_origin);
      }
    }
  }

  void apply_env() {
    for (const auto& [name, value] : sources_.env) {
      if (name.rfind(kEnvPrefix, 0) != 0 || name == kConfigEnv) continue;
      const KeyInfo* info = nullptr;
      for (const KeyInfo& candidate : keys()) {
        if (candidate.env == name) info = &candidate;
      }
      if (info == nullptr) {
        throw ConfigError(name, "unknown environment variable " + name, unknown_env_fix(name));
      }
      apply_text(*find_setting(info->key), value, Origin{Origin::Kind::env, name, 0});
    }
  }

  void apply_flags() {
    for (const auto& [key, value] : sources_.flags) {
      const Setting* setting = find_setting(key);
      const std::string_view flag = flag_for_key(key);
      const Origin origin{Origin::Kind::flag, flag.empty() ? "the command line" : std::string(flag), 0};
      if (setting == nullptr) {
        throw ConfigError(key, "unknown setting '" + key + "' on the command line", unknown_key_fix(key));
      }
      apply_text(*setting, value, origin);
    }
  }

  const Origin& origin_of(std::string_view key) const {
    static const Origin kPreset;
    const auto it = origins_.find(std::string(key));
    return it == origins_.end() ? kPreset : it->second;
  }

  // "~/x" -> "$HOME/x"; the value names `key` in the error when HOME is unknown.
  std::string expand(std::string_view key, const std::string& path) const {
    if (path != "~" && path.rfind("~/", 0) != 0) return path;
    const auto home = env("HOME");
    if (!home) {
      fail(key, origin_of(key), "cannot expand '~' in '" + path + "' because HOME is not set", "write the full path");
    }
    return *home + path.substr(1);
  }

  void expand_home() {
    config_.server.web_root = expand("server.web_root", config_.server.web_root);
    config_.paths.data_dir = expand("paths.data_dir", config_.paths.data_dir.string());
    config_.paths.models_dir = expand("paths.models_dir", config_.paths.models_dir.string());
    config_.paths.kb_dir = expand("paths.kb_dir", config_.paths.kb_dir.string());
    config_.paths.catalog_file = expand("paths.catalog_file", config_.paths.catalog_file.string());
    config_.tools.intents_file = expand("tools.intents_file", config_.tools.intents_file);
    for (const Setting& setting : settings()) {
      if (setting.key.rfind("engines.", 0) != 0) continue;
      const std::string url = std::get<std::string>(setting.read(config_));
      const auto colon = url.find(':');
      if (colon != std::string::npos && url.compare(colon + 1, 2, "~/") == 0) {
        // The home directory lands inside a URL, so the characters that would change its parse are escaped.
        std::string home;
        for (const char c : expand(setting.key, "~")) {
          home += c == '%' ? std::string("%25") : c == '?' ? std::string("%3F") : std::string(1, c);
        }
        setting.store(config_, url.substr(0, colon + 1) + home + url.substr(colon + 2));
      }
    }
  }

  // $XDG_<NAME> when set to an absolute path (the XDG spec says to ignore relative ones), else $HOME/<fallback>.
  fs::path xdg_dir(std::string_view key, std::string_view xdg_name, std::string_view home_fallback) const {
    if (const auto xdg = env(xdg_name); xdg && fs::path(*xdg).is_absolute()) {
      return fs::path(*xdg);
    }
    if (const auto home = env("HOME")) {
      return fs::path(*home) / home_fallback;
    }
    fail(key, Origin{}, "has no default because neither " + std::string(xdg_name) + " nor HOME is set",
         "set HOME, or set " + std::string(key) + " (flag " + std::string(flag_for_key(key)) + ")");
  }

  void fill_path_defaults() {
    if (config_.paths.data_dir.empty()) {
      config_.paths.data_dir = xdg_dir("paths.data_dir", "XDG_DATA_HOME", ".local/share") / "localvoice";
    }
    if (config_.paths.models_dir.empty()) {
      config_.paths.models_dir = xdg_dir("paths.models_dir", "XDG_CACHE_HOME", ".cache") / "localvoice" / "models";
    }
    if (config_.paths.kb_dir.empty()) {
      config_.paths.kb_dir = config_.paths.data_dir / "knowledge";
    }
  }

  void check_web_root() const {
    const std::string& root = config_.server.web_root;
    if (root.empty()) return;
    std::error_code error;
    if (!fs::exists(root, error)) {
      fail("server.web_root", origin_of("server.web_root"), "directory '" + root + "' does not exist",
           "point it at the folder holding the web UI's index.html, or leave it empty for the built-in UI");
    }
    if (!fs::is_directory(root, error)) {
      fail("server.web_root", origin_of("server.web_root"), "'" + root + "' is not a directory",
           "point it at the folder holding the web UI's index.html, or leave it empty for the built-in UI");
    }
  }

  void check_model_files() const {
    for (const Setting& setting : settings()) {
      if (setting.key.rfind("engines.", 0) != 0) continue;
      const std::string text = std::get<std::string>(setting.read(config_));
      if (text.empty()) continue;
      const engine::EngineUrl url = engine::parse_engine_url(text);
      if (!url.is_path()) continue;
      const std::string path = expand(setting.key, url.spec);
      const std::string example = model_example(setting.key, url);
      if (!path_exists(path)) {
        fail(setting.key, origin_of(setting.key), "model file '" + path + "' does not exist",
             "download one with `localvoice models pull " + example + "` or fix the path");
      }
      if (::access(path.c_str(), R_OK) != 0) {
        fail(setting.key, origin_of(setting.key), "model file '" + path + "' cannot be read: " + std::strerror(errno),
             "check its permissions, e.g. chmod a+r '" + path + "'");
      }
    }
  }

  const Sources& sources_;
  Config config_;
  std::map<std::string, Origin> origins_;
};

}  // namespace

std::optional<fs::path> find_config_file(const Sources& sources) {
  const auto env = [&sources](const std::string& name) -> std::optional<std::string> {
    const auto it = sources.env.find(name);
    if (it == sources.env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  if (sources.file) {
    if (!path_exists(*sources.file)) {
      throw ConfigError(std::string(kFileKey), "config file '" + sources.file->string() + "' does not exist",
                        "fix the --config path, or create the file (`localvoice serve --print-config` prints one)");
    }
    return sources.file;
  }
  if (const auto named = env(std::string(kConfigEnv))) {
    if (!path_exists(*named)) {
      throw ConfigError(std::string(kFileKey),
                        "config file '" + *named + "' named by " + std::string(kConfigEnv) + " does not exist",
                        "fix or unset " + std::string(kConfigEnv));
    }
    return fs::path(*named);
  }
  fs::path candidate;
  if (const auto xdg = env("XDG_CONFIG_HOME"); xdg && fs::path(*xdg).is_absolute()) {
    candidate = fs::path(*xdg) / "localvoice" / "config.toml";
  } else if (const auto home = env("HOME")) {
    candidate = fs::path(*home) / ".config" / "localvoice" / "config.toml";
  }
  if (!candidate.empty() && path_exists(candidate)) {
    return candidate;
  }
  return std::nullopt;
}

Config load(const Sources& sources) { return Loader(sources).run(); }

}  // namespace lv::config
