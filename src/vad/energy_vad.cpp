#include "vad/energy_vad.h"

#include <algorithm>
#include <cmath>

#include "audio/pcm.h"
#include "vad/speech_gate.h"

namespace lv::vad {

namespace {

constexpr std::size_t kFrameSamples = 512;  // 32 ms, the same grid as Silero

class EnergyScorer final : public FrameScorer {
 public:
  explicit EnergyScorer(const EnergyVadSettings& settings)
      : settings_(settings), floor_dbfs_(settings.initial_floor_dbfs) {}

  float score(std::span<const float> frame) override {
    double level = audio::rms_dbfs(frame);
    if (!std::isfinite(level)) {
      level = -120.0;
    }
    // The floor follows quieter frames quickly and louder ones slowly (about 1 dB per second), so steady
    // background noise is absorbed while a few seconds of speech barely move it.
    if (level < floor_dbfs_) {
      floor_dbfs_ += (level - floor_dbfs_) * 0.3;
    } else {
      floor_dbfs_ += std::min(level - floor_dbfs_, kRiseDbPerFrame);
    }
    floor_dbfs_ = std::max(floor_dbfs_, -100.0);
    if (level < settings_.min_level_dbfs) {
      return 0.0F;
    }
    const double above = level - floor_dbfs_ - settings_.margin_db;
    return static_cast<float>(1.0 / (1.0 + std::exp(-above / 2.0)));
  }

  void reset() override { floor_dbfs_ = settings_.initial_floor_dbfs; }

 private:
  static constexpr double kRiseDbPerFrame = 0.032;
  EnergyVadSettings settings_;
  double floor_dbfs_;
};

}  // namespace

EnergyVad::EnergyVad(EnergyVadSettings settings) : settings_(settings) {}

VadCapabilities EnergyVad::capabilities() const {
  return VadCapabilities{"energy", {kVadSampleRateHz}, kFrameSamples, false};
}

std::unique_ptr<VadStream> EnergyVad::open_stream() const {
  return std::make_unique<FrameVadStream>(std::make_unique<EnergyScorer>(settings_), kFrameSamples, settings_.options);
}

}  // namespace lv::vad
