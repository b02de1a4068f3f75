#include "engine/engine_url.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "util/error.h"

namespace lv::engine {
namespace {

// The lv::Error thrown while parsing `text`, as "problem (fix)"; fails the test when nothing is thrown.
std::string parse_error(std::string_view text, const SchemeGuess& guess = {}) {
  try {
    parse_engine_url(text, guess);
  } catch (const Error& error) {
    return error.full_message();
  }
  ADD_FAILURE() << "no error for '" << text << "'";
  return {};
}

TEST(EngineUrlTest, KindNamesAreTheConfigSectionNames) {
  EXPECT_EQ(kind_name(EngineKind::vad), "vad");
  EXPECT_EQ(kind_name(EngineKind::stt), "stt");
  EXPECT_EQ(kind_name(EngineKind::tts), "tts");
  EXPECT_EQ(kind_name(EngineKind::llm), "llm");
  EXPECT_EQ(kind_name(EngineKind::embeddings), "embeddings");
}

TEST(EngineUrlTest, ParsesCatalogName) {
  const EngineUrl url = parse_engine_url("whisper:base.en");
  EXPECT_EQ(url.text, "whisper:base.en");
  EXPECT_EQ(url.scheme, "whisper");
  EXPECT_EQ(url.spec, "base.en");
  EXPECT_TRUE(url.params.empty());
  EXPECT_TRUE(url.is_name());
  EXPECT_FALSE(url.is_path());
  EXPECT_FALSE(url.is_http());
}

TEST(EngineUrlTest, ParsesNamesWithDashesAndDots) {
  EXPECT_EQ(parse_engine_url("pocketsphinx:en-us").spec, "en-us");
  EXPECT_EQ(parse_engine_url("flite:slt").spec, "slt");
  EXPECT_EQ(parse_engine_url("espeak:en-us").scheme, "espeak");
  const EngineUrl llm = parse_engine_url("llama:qwen2.5-1.5b-instruct-q4_k_m");
  EXPECT_EQ(llm.scheme, "llama");
  EXPECT_EQ(llm.spec, "qwen2.5-1.5b-instruct-q4_k_m");
  EXPECT_TRUE(llm.is_name());
}

TEST(EngineUrlTest, EmptySpecIsAllowed) {
  for (const std::string_view text : {"silero:", "energy:"}) {
    const EngineUrl url = parse_engine_url(text);
    EXPECT_TRUE(url.empty_spec()) << text;
    EXPECT_FALSE(url.is_name()) << text;
    EXPECT_FALSE(url.is_path()) << text;
    EXPECT_FALSE(url.is_http()) << text;
  }
}

TEST(EngineUrlTest, SchemeMayUseDigitsAndPunctuation) {
  EXPECT_EQ(parse_engine_url("whisper2:base").scheme, "whisper2");
  EXPECT_EQ(parse_engine_url("llama.cpp:model").scheme, "llama.cpp");
  EXPECT_EQ(parse_engine_url("a_b+c-d:x").scheme, "a_b+c-d");
}

TEST(EngineUrlTest, RecognisesPaths) {
  for (const std::string_view spec : {"/models/ggml-base.en.bin", "./m.bin", "../m.bin", "~/m.gguf"}) {
    const EngineUrl url = parse_engine_url("whisper:" + std::string(spec));
    EXPECT_EQ(url.spec, spec);
    EXPECT_TRUE(url.is_path()) << spec;
    EXPECT_FALSE(url.is_name()) << spec;
  }
  EXPECT_FALSE(parse_engine_url("whisper:models/m.bin").is_path());
}

TEST(EngineUrlTest, PathMayContainColons) {
  const EngineUrl url = parse_engine_url("whisper:/models/a:b.bin");
  EXPECT_EQ(url.scheme, "whisper");
  EXPECT_EQ(url.spec, "/models/a:b.bin");
}

TEST(EngineUrlTest, ParsesServerUrlWithPortAndQuery) {
  const EngineUrl url = parse_engine_url("openai:http://host:8000/v1?model=NAME");
  EXPECT_EQ(url.scheme, "openai");
  EXPECT_EQ(url.spec, "http://host:8000/v1");
  EXPECT_TRUE(url.is_http());
  EXPECT_FALSE(url.is_name());
  ASSERT_EQ(url.params.size(), 1U);
  EXPECT_EQ(url.param("model"), "NAME");
  EXPECT_EQ(url.param("missing"), std::nullopt);
}

TEST(EngineUrlTest, ParamValuesMayContainColons) {
  const EngineUrl url = parse_engine_url("ollama:http://localhost:11434?model=gemma3:4b");
  EXPECT_EQ(url.scheme, "ollama");
  EXPECT_EQ(url.spec, "http://localhost:11434");
  EXPECT_EQ(url.param("model"), "gemma3:4b");
}

TEST(EngineUrlTest, ParsesHttpsIpv6AndUserinfo) {
  EXPECT_TRUE(parse_engine_url("openai:https://api.example.com/v1").is_http());
  EXPECT_EQ(parse_engine_url("openai:http://[::1]:8000/v1").spec, "http://[::1]:8000/v1");
  EXPECT_EQ(parse_engine_url("openai:http://user:pw@host/v1").spec, "http://user:pw@host/v1");
  EXPECT_TRUE(parse_engine_url("openai:HTTP://host/v1").is_http());
}

TEST(EngineUrlTest, ParsesSeveralParams) {
  const EngineUrl url = parse_engine_url("llama:/m.gguf?ctx=4096&gpu_layers=99&threads=4");
  EXPECT_EQ(url.spec, "/m.gguf");
  ASSERT_EQ(url.params.size(), 3U);
  EXPECT_EQ(url.param("ctx"), "4096");
  EXPECT_EQ(url.param("gpu_layers"), "99");
  EXPECT_EQ(url.param("threads"), "4");
}

TEST(EngineUrlTest, ParamWithoutValueIsEmptyAndValueMayContainEquals) {
  const EngineUrl url = parse_engine_url("whisper:base.en?translate&prompt=a=b");
  EXPECT_EQ(url.param("translate"), "");
  EXPECT_EQ(url.param("prompt"), "a=b");
}

TEST(EngineUrlTest, EmptyQueryMeansNoParams) { EXPECT_TRUE(parse_engine_url("whisper:base.en?").params.empty()); }

TEST(EngineUrlTest, PercentDecodesSpecAndParams) {
  const EngineUrl url = parse_engine_url("whisper:/my%20models/a%3Fb.bin?prompt=hello%20world&a%26b=%3d");
  EXPECT_EQ(url.spec, "/my models/a?b.bin");
  EXPECT_EQ(url.param("prompt"), "hello world");
  EXPECT_EQ(url.param("a&b"), "=");
}

TEST(EngineUrlTest, PlusIsNotASpace) { EXPECT_EQ(parse_engine_url("whisper:a+b").spec, "a+b"); }

TEST(EngineUrlTest, TrimsSurroundingWhitespace) {
  const EngineUrl url = parse_engine_url("  whisper:base.en\n");
  EXPECT_EQ(url.text, "whisper:base.en");
  EXPECT_EQ(url.spec, "base.en");
}

TEST(EngineUrlTest, RejectsEmpty) {
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("   ").find("empty"), std::string::npos);
}

// What registered engines would answer; the parser itself knows no engine (tests/app proves the real ones).
std::string test_guess(std::string_view word) {
  if (word == "silero") return "silero";
  if (word.ends_with(".bin") || word == "base.en") return "whisper";
  if (word.find(":11434") != std::string_view::npos) return "ollama";
  if (word.starts_with("http")) return "openai";
  return {};
}

TEST(EngineUrlTest, MissingKindSuggestsTheEngineTheGuessNames) {
  EXPECT_NE(parse_error("base.en", test_guess).find("did you mean 'whisper:base.en'?"), std::string::npos);
  EXPECT_NE(parse_error("/models/ggml-tiny.bin", test_guess).find("'whisper:/models/ggml-tiny.bin'"),
            std::string::npos);
  EXPECT_NE(parse_error("silero", test_guess).find("did you mean 'silero:'?"), std::string::npos);
  EXPECT_NE(parse_error("silero", test_guess).find("no ':' after the engine kind"), std::string::npos);
}

TEST(EngineUrlTest, MissingKindWithoutGuessShowsTheForm) {
  const std::string message = parse_error("something", test_guess);
  EXPECT_NE(message.find("'something'"), std::string::npos);
  EXPECT_NE(message.find("KIND:SPEC"), std::string::npos);
  // Without registered engines there is nothing to suggest but the form.
  EXPECT_NE(parse_error("base.en").find("KIND:SPEC"), std::string::npos);
  EXPECT_EQ(parse_error("base.en").find("did you mean"), std::string::npos);
}

TEST(EngineUrlTest, BareServerUrlSuggestsRemoteEngine) {
  EXPECT_NE(parse_error("http://localhost:8000/v1", test_guess).find("did you mean 'openai:http://localhost:8000/v1'?"),
            std::string::npos);
  EXPECT_NE(parse_error("http://localhost:11434", test_guess).find("'ollama:http://localhost:11434'"),
            std::string::npos);
  EXPECT_NE(parse_error("http://localhost:11434").find("names a server but not the engine"), std::string::npos);
}

TEST(EngineUrlTest, PathWithColonButNoKindIsMissingKind) {
  EXPECT_NE(parse_error("/models/a:b.bin", test_guess).find("'whisper:/models/a:b.bin'"), std::string::npos);
}

TEST(EngineUrlTest, RejectsBadSchemes) {
  EXPECT_NE(parse_error(":base.en").find("no engine kind"), std::string::npos);
  EXPECT_NE(parse_error("1whisper:base.en").find("not valid"), std::string::npos);
  EXPECT_NE(parse_error("whis per:base.en").find("not valid"), std::string::npos);
  EXPECT_NE(parse_error("whi$per:base.en").find("not valid"), std::string::npos);
}

TEST(EngineUrlTest, UpperCaseSchemeSuggestsLowerCase) {
  const std::string message = parse_error("Whisper:base.en");
  EXPECT_NE(message.find("lower-case"), std::string::npos);
  EXPECT_NE(message.find("did you mean 'whisper:base.en'?"), std::string::npos);
}

TEST(EngineUrlTest, RejectsEmptyParamKey) {
  EXPECT_NE(parse_error("whisper:base.en?=x").find("without a name"), std::string::npos);
  EXPECT_NE(parse_error("whisper:base.en?a=1&&b=2").find("empty parameter"), std::string::npos);
  EXPECT_NE(parse_error("whisper:base.en?a=1&").find("empty parameter"), std::string::npos);
}

TEST(EngineUrlTest, RejectsDuplicateParam) {
  const std::string message = parse_error("openai:http://h/v1?model=a&model=b");
  EXPECT_NE(message.find("'model' twice"), std::string::npos);
}

TEST(EngineUrlTest, RejectsServerUrlWithoutHost) {
  EXPECT_NE(parse_error("openai:http:///v1").find("without a host"), std::string::npos);
  EXPECT_NE(parse_error("openai:https://").find("without a host"), std::string::npos);
  EXPECT_NE(parse_error("openai:http://:8000/v1").find("without a host"), std::string::npos);
  EXPECT_NE(parse_error("openai:http://user@/v1").find("without a host"), std::string::npos);
}

TEST(EngineUrlTest, RejectsBadServerPort) {
  EXPECT_NE(parse_error("openai:http://host:abc/v1").find("invalid server port 'abc'"), std::string::npos);
  EXPECT_NE(parse_error("openai:http://host:0/v1").find("invalid server port"), std::string::npos);
  EXPECT_NE(parse_error("openai:http://host:70000/v1").find("invalid server port"), std::string::npos);
  EXPECT_NE(parse_error("openai:http://host:/v1").find("invalid server port"), std::string::npos);
  EXPECT_NE(parse_error("openai:http://[::1/v1").find("unclosed"), std::string::npos);
}

TEST(EngineUrlTest, RejectsMalformedOrUnsupportedServerUrls) {
  EXPECT_NE(parse_error("openai:http:/host/v1").find("malformed server URL"), std::string::npos);
  EXPECT_NE(parse_error("openai:ftp://host/v1").find("unsupported server protocol 'ftp'"), std::string::npos);
}

TEST(EngineUrlTest, RejectsInvalidPercentEscapes) {
  EXPECT_NE(parse_error("whisper:/a%zzb").find("invalid percent escape '%zz'"), std::string::npos);
  EXPECT_NE(parse_error("whisper:/a%4").find("invalid percent escape '%4'"), std::string::npos);
  EXPECT_NE(parse_error("whisper:/a%").find("invalid percent escape"), std::string::npos);
  EXPECT_NE(parse_error("whisper:x?p=%g1").find("invalid percent escape"), std::string::npos);
  EXPECT_NE(parse_error("whisper:x?p%2=1").find("invalid percent escape"), std::string::npos);
}

TEST(EngineUrlTest, RejectsControlCharacters) {
  EXPECT_NE(parse_error(std::string("whisper:base\x01.en")).find("control character"), std::string::npos);
  EXPECT_NE(parse_error("whisper:base\t.en").find("control character"), std::string::npos);
  EXPECT_NE(parse_error(std::string("whisper:a\0b", 11)).find("control character"), std::string::npos);
  EXPECT_NE(parse_error("whisper:a%0Ab").find("control character"), std::string::npos);
  EXPECT_NE(parse_error("whisper:a?p=%7f").find("control character"), std::string::npos);
}

TEST(EngineUrlTest, ErrorMessagesHideSecrets) {
  const std::string message = parse_error("openai:http://h/v1?api_key=sk-secret&model=a&model=b");
  EXPECT_EQ(message.find("sk-secret"), std::string::npos) << message;
  EXPECT_NE(message.find("api_key=***"), std::string::npos) << message;
}

TEST(EngineUrlTest, RedactedHidesSecretParams) {
  const EngineUrl url = parse_engine_url("openai:https://api.example.com/v1?api_key=sk-1&model=gpt&token=t0&key=k");
  const std::string redacted = url.redacted();
  EXPECT_EQ(redacted, "openai:https://api.example.com/v1?api_key=***&key=***&model=gpt&token=***");
  EXPECT_EQ(parse_engine_url("openai:http://h?API_KEY=x").redacted(), "openai:http://h?API_KEY=***");
}

TEST(EngineUrlTest, RedactedHidesPasswordInServerUrl) {
  EXPECT_EQ(parse_engine_url("openai:http://me:pw@host:8000/v1").redacted(), "openai:http://me:***@host:8000/v1");
  EXPECT_EQ(parse_engine_url("openai:http://me@host/v1").redacted(), "openai:http://me@host/v1");
}

TEST(EngineUrlTest, RedactedWithoutSecretsParsesBackToTheSameUrl) {
  for (const std::string_view text : {"whisper:base.en", "silero:", "ollama:http://localhost:11434?model=gemma3:4b",
                                      "whisper:/my%20models/a%3Fb.bin?prompt=x%26y&a%3Db=%25"}) {
    const EngineUrl url = parse_engine_url(text);
    const EngineUrl again = parse_engine_url(url.redacted());
    EXPECT_EQ(again.scheme, url.scheme) << text;
    EXPECT_EQ(again.spec, url.spec) << text;
    EXPECT_EQ(again.params, url.params) << text;
  }
}

TEST(EngineUrlTest, UnknownParametersAreNamedWithTheKnownOnes) {
  const EngineUrl url = parse_engine_url("llama:/m.gguf?threads=2&treads=4");
  EXPECT_NO_THROW(reject_unknown_params(url, {"threads", "treads"}));
  try {
    reject_unknown_params(url, {"threads", "ctx"});
    FAIL() << "an unknown parameter was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'treads'"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("ctx, threads"), std::string::npos) << e.fix();
  }
}

TEST(EngineUrlTest, IntegerParametersAreCheckedAgainstTheirRange) {
  const EngineUrl url = parse_engine_url("llama:/m.gguf?threads=8&ctx=big&batch=0&neg=-3");
  EXPECT_EQ(int_param(url, "threads", 1, 1, 64), 8);
  EXPECT_EQ(int_param(url, "missing", 7, 1, 64), 7);
  EXPECT_EQ(int_param(url, "neg", 0, -5, 5), -3);
  EXPECT_THROW((void)int_param(url, "ctx", 512, 1, 100000), Error);
  try {
    (void)int_param(url, "batch", 512, 1, 4096);
    FAIL() << "an out-of-range value was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'0' for batch"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("from 1 to 4096"), std::string::npos) << e.fix();
  }
}

}  // namespace
}  // namespace lv::engine
