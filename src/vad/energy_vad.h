// A model-free VAD: frame energy against an adaptive noise floor (the fallback when no Silero model exists).
#pragma once

#include <memory>

#include "vad/vad_engine.h"

namespace lv::vad {

struct EnergyVadSettings {
  VadOptions options;
  double margin_db = 10.0;        // a frame this far above the noise floor is 50% speech
  double min_level_dbfs = -55.0;  // quieter frames are never speech (digital or near silence)
  double initial_floor_dbfs = -60.0;
};

class EnergyVad final : public VadEngine {
 public:
  explicit EnergyVad(EnergyVadSettings settings = {});

  VadCapabilities capabilities() const override;
  const VadOptions& options() const override { return settings_.options; }
  std::unique_ptr<VadStream> open_stream() const override;

 private:
  EnergyVadSettings settings_;
};

}  // namespace lv::vad
