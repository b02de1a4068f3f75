#include "vad/register_vad.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lv::vad {
namespace {

TEST(RegisterVad, EnergyEngineTakesOptionsFromUrl) {
  engine::EngineRegistry<VadEngine> registry(engine::EngineKind::vad);
  VadRegistryOptions options;
  options.models_dir = "/nonexistent";
  register_vad_engines(registry, options);
  EXPECT_TRUE(registry.has("energy"));
  EXPECT_TRUE(registry.has("silero"));
  const auto vad = registry.create(engine::parse_engine_url("energy:?threshold=0.7&min_silence_ms=500"));
  EXPECT_FLOAT_EQ(vad->options().threshold, 0.7F);
  EXPECT_EQ(vad->options().min_silence_ms, 500);
  EXPECT_EQ(vad->capabilities().name, "energy");
}

TEST(RegisterVad, BadParamsAreRejectedWithTheirName) {
  engine::EngineRegistry<VadEngine> registry(engine::EngineKind::vad);
  VadRegistryOptions options;
  options.models_dir = "/nonexistent";
  register_vad_engines(registry, options);
  try {
    registry.create(engine::parse_engine_url("energy:?threshold=2"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("threshold"), std::string::npos);
  }
  EXPECT_THROW(registry.create(engine::parse_engine_url("energy:?treshold=0.4")), Error);
  EXPECT_THROW(registry.create(engine::parse_engine_url("silero:")), Error);  // no model in /nonexistent
}

}  // namespace
}  // namespace lv::vad
