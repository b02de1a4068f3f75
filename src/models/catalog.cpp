#include "models/catalog.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "models/catalog_data.h"
#include "util/error.h"

namespace lv::models {
namespace {

using Json = nlohmann::json;

constexpr int kSchemaVersion = 1;

bool is_lower_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "family:variant": family of [a-z0-9], variant of letters, digits and ._- (no "..": names become directories).
bool is_model_name(const std::string& name) {
  const auto colon = name.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == name.size() || name.find("..") != std::string::npos) {
    return false;
  }
  const auto family_ok = std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(colon),
                                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
  const auto variant_ok = std::all_of(name.begin() + static_cast<std::ptrdiff_t>(colon) + 1, name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
  return family_ok && variant_ok;
}

// Validation context: every message starts with the catalog's origin and the JSON path of the bad field.
class Checker {
 public:
  explicit Checker(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw Error("invalid model catalog " + origin_ + ": " + where + ": " + problem,
                "fix the catalog file (see docs/models.md for its format)");
  }

  const Json& member(const Json& object, const std::string& where, const char* key) const {
    if (!object.is_object()) {
      fail(where, "expected an object");
    }
    const auto found = object.find(key);
    if (found == object.end()) {
      fail(where, std::string("missing \"") + key + "\"");
    }
    return *found;
  }

  std::string string(const Json& object, const std::string& where, const char* key, bool allow_empty = false) const {
    const Json& value = member(object, where, key);
    if (!value.is_string() || (!allow_empty && value.get_ref<const std::string&>().empty())) {
      fail(where + "." + key, "expected a non-empty string");
    }
    return value.get<std::string>();
  }

  std::uint64_t count(const Json& object, const std::string& where, const char* key) const {
    const Json& value = member(object, where, key);
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0) {
      fail(where + "." + key, "expected a positive integer");
    }
    return value.get<std::uint64_t>();
  }

  std::optional<std::string> hex_hash(const Json& object, const std::string& where, const char* key, std::size_t digits,
                                      bool required) const {
    const auto found = object.find(key);
    if (found == object.end()) {
      if (required) {
        fail(where, std::string("missing \"") + key + "\" (use null when the hash is not known)");
      }
      return std::nullopt;
    }
    if (found->is_null()) {
      return std::nullopt;
    }
    if (!found->is_string() || found->get_ref<const std::string&>().size() != digits ||
        !is_lower_hex(found->get_ref<const std::string&>())) {
      fail(where + "." + key, "expected " + std::to_string(digits) + " lower-case hex digits or null");
    }
    return found->get<std::string>();
  }

 private:
  std::string origin_;
};

Role parse_role(const Checker& check, const std::string& where, const std::string& text) {
  static const std::pair<const char*, Role> kRoles[] = {
      {"vad", Role::vad},  {"stt", Role::stt}, {"tts", Role::tts}, {"llm", Role::llm}, {"embeddings", Role::embeddings},
      {"wake", Role::wake}};
  for (const auto& [name, role] : kRoles) {
    if (text == name) {
      return role;
    }
  }
  check.fail(where, "unknown role \"" + text + "\" (expected vad, stt, tts, llm or embeddings)");
}

FileSource parse_source(const Checker& check, const Json& json, const std::string& where) {
  if (!json.is_object() || json.size() != 1) {
    check.fail(where, "expected exactly one of \"huggingface\" or \"npm\"");
  }
  FileSource source;
  const std::string kind = json.begin().key();
  const Json& body = json.begin().value();
  const std::string inner = where + "." + kind;
  if (kind == "huggingface") {
    source.kind = FileSource::Kind::huggingface;
    source.repo = check.string(body, inner, "repo");
    source.revision = check.string(body, inner, "revision");
    source.path = check.string(body, inner, "path");
    if (std::count(source.repo.begin(), source.repo.end(), '/') != 1) {
      check.fail(inner + ".repo", "expected \"org/name\"");
    }
  } else if (kind == "npm") {
    source.kind = FileSource::Kind::npm;
    source.repo = check.string(body, inner, "package");
    source.revision = check.string(body, inner, "version");
    source.path = check.string(body, inner, "path");
  } else {
    check.fail(where, "unknown source \"" + kind + "\" (expected \"huggingface\" or \"npm\")");
  }
  if (source.path.find("..") != std::string::npos || source.path.starts_with('/')) {
    check.fail(inner + ".path", "must be a relative path without \"..\"");
  }
  return source;
}

ModelFile parse_file(const Checker& check, const Json& json, const std::string& where) {
  ModelFile file;
  file.name = check.string(json, where, "name");
  if (file.name.find('/') != std::string::npos || file.name.starts_with('.')) {
    check.fail(where + ".name", "must be a plain file name (no '/', not starting with '.')");
  }
  file.source = parse_source(check, check.member(json, where, "source"), where + ".source");
  file.size_bytes = check.count(json, where, "size_bytes");
  file.sha256 = check.hex_hash(json, where, "sha256", 64, true);
  file.sha1 = check.hex_hash(json, where, "sha1", 40, false);
  return file;
}

CatalogModel parse_model(const Checker& check, const Json& json, const std::string& where) {
  CatalogModel model;
  model.name = check.string(json, where, "name");
  if (!is_model_name(model.name)) {
    check.fail(where + ".name", "\"" + model.name + "\" is not of the form family:variant (letters, digits, ._-)");
  }
  const std::string named = where + " (" + model.name + ")";
  model.role = parse_role(check, named + ".role", check.string(json, named, "role"));
  model.description = check.string(json, named, "description", true);
  model.license = check.string(json, named, "license");
  model.ram_bytes = check.count(json, named, "ram_bytes");
  const Json& verified = check.member(json, named, "verified");
  if (!verified.is_boolean()) {
    check.fail(named + ".verified", "expected true or false");
  }
  model.verified = verified.get<bool>();
  const Json& files = check.member(json, named, "files");
  if (!files.is_array() || files.empty()) {
    check.fail(named + ".files", "expected a non-empty list of files");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < files.size(); ++i) {
    model.files.push_back(parse_file(check, files[i], named + ".files[" + std::to_string(i) + "]"));
    if (!names.insert(model.files.back().name).second) {
      check.fail(named + ".files[" + std::to_string(i) + "]", "duplicate file name " + model.files.back().name);
    }
  }
  const bool all_hashed = std::all_of(model.files.begin(), model.files.end(),
                                      [](const ModelFile& f) { return f.sha256.has_value() || f.sha1.has_value(); });
  if (model.verified != all_hashed) {
    check.fail(named + ".verified", model.verified ? "is true but a file has no sha256 or sha1"
                                                   : "is false but every file has a hash (set it to true)");
  }
  return model;
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::vad:
      return "vad";
    case Role::stt:
      return "stt";
    case Role::tts:
      return "tts";
    case Role::llm:
      return "llm";
    case Role::embeddings:
      return "embeddings";
    case Role::wake:
      return "wake";
  }
  return "unknown";
}

std::uint64_t CatalogModel::size_bytes() const {
  std::uint64_t total = 0;
  for (const auto& file : files) {
    total += file.size_bytes;
  }
  return total;
}

const CatalogModel* Catalog::find(std::string_view name) const {
  const auto found =
      std::find_if(models.begin(), models.end(), [name](const CatalogModel& m) { return m.name == name; });
  return found == models.end() ? nullptr : &*found;
}

const CatalogModel& Catalog::get(std::string_view name) const {
  if (const CatalogModel* model = find(name)) {
    return *model;
  }
  std::string known;
  for (const auto& model : models) {
    known += (known.empty() ? "" : ", ") + model.name;
  }
  throw Error("unknown model \"" + std::string(name) + "\"",
              "use one of: " + known + " (`localvoice models list` shows them all)");
}

const Profile& Catalog::profile(std::string_view name) const {
  for (const auto& profile : profiles) {
    if (profile.name == name) {
      return profile;
    }
  }
  std::string known;
  for (const auto& profile : profiles) {
    known += (known.empty() ? "" : ", ") + profile.name;
  }
  throw Error("unknown model profile \"" + std::string(name) + "\"", "use one of: " + known);
}

Catalog parse_catalog(std::string_view json_text, std::string_view origin) {
  const Checker check{std::string(origin)};
  Json root;
  try {
    root = Json::parse(json_text);
  } catch (const Json::parse_error& error) {
    check.fail("JSON", error.what());
  }
  Catalog catalog;
  const Json& version = check.member(root, "top level", "schema_version");
  if (!version.is_number_integer() || version.get<int>() != kSchemaVersion) {
    check.fail("schema_version",
               "this program reads version " + std::to_string(kSchemaVersion) + ", found " + version.dump());
  }
  catalog.schema_version = kSchemaVersion;
  const Json& models = check.member(root, "top level", "models");
  if (!models.is_array()) {
    check.fail("models", "expected a list");
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    CatalogModel model = parse_model(check, models[i], "models[" + std::to_string(i) + "]");
    if (catalog.find(model.name) != nullptr) {
      check.fail("models[" + std::to_string(i) + "]", "duplicate model name " + model.name);
    }
    catalog.models.push_back(std::move(model));
  }
  const Json& profiles = check.member(root, "top level", "profiles");
  if (!profiles.is_object()) {
    check.fail("profiles", "expected an object of named profiles");
  }
  for (const auto& [name, body] : profiles.items()) {
    const std::string where = "profiles." + name;
    Profile profile;
    profile.name = name;
    profile.description = check.string(body, where, "description", true);
    profile.ram_bytes = check.count(body, where, "ram_bytes");
    const Json& members = check.member(body, where, "models");
    if (!members.is_array() || members.empty()) {
      check.fail(where + ".models", "expected a non-empty list of model names");
    }
    for (const auto& member : members) {
      if (!member.is_string() || catalog.find(member.get<std::string>()) == nullptr) {
        check.fail(where + ".models", "names an unknown model " + member.dump());
      }
      profile.models.push_back(member.get<std::string>());
    }
    catalog.profiles.push_back(std::move(profile));
  }
  return catalog;
}

std::string_view embedded_catalog_json() { return detail::kEmbeddedCatalog; }

Catalog embedded_catalog() { return parse_catalog(embedded_catalog_json(), "(built in)"); }

Catalog load_catalog(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read model catalog " + path.string(), "check that the file exists and is readable");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_catalog(text.str(), path.string());
}

}  // namespace lv::models
