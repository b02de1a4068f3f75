#include "audio/wav.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::audio {
namespace {

std::string u16(std::uint16_t value) { return {static_cast<char>(value & 0xFF), static_cast<char>(value >> 8)}; }

std::string u32(std::uint32_t value) {
  return u16(static_cast<std::uint16_t>(value & 0xFFFF)) + u16(static_cast<std::uint16_t>(value >> 16));
}

std::string chunk(const std::string& id, const std::string& payload) {
  std::string out = id + u32(static_cast<std::uint32_t>(payload.size())) + payload;
  if (payload.size() % 2 == 1) {
    out += '\0';
  }
  return out;
}

std::string riff(const std::string& body) {
  return "RIFF" + u32(static_cast<std::uint32_t>(4 + body.size())) + "WAVE" + body;
}

struct FmtFields {
  std::uint16_t format = 1;
  std::uint16_t channels = 1;
  std::uint32_t rate_hz = 16000;
  std::uint16_t bits = 16;
  int block_align = -1;  // -1: the consistent value
};

std::string fmt_payload(const FmtFields& f) {
  const auto align = static_cast<std::uint16_t>(f.block_align >= 0 ? f.block_align : f.channels * (f.bits / 8));
  return u16(f.format) + u16(f.channels) + u32(f.rate_hz) + u32(f.rate_hz * align) + u16(align) + u16(f.bits);
}

// WAVE_FORMAT_EXTENSIBLE: the base fields plus cbSize, valid bits, channel mask and the sub-format GUID.
std::string extensible_payload(const FmtFields& base, std::uint16_t subformat, std::uint16_t valid_bits,
                               bool standard_guid = true) {
  FmtFields f = base;
  f.format = 0xFFFE;
  std::string guid = u16(subformat) + std::string("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
  if (!standard_guid) {
    guid[5] = 0x42;
  }
  return fmt_payload(f) + u16(22) + u16(valid_bits) + u32(0x3) + guid;
}

std::string wav_with(const FmtFields& f, const std::string& data) {
  return riff(chunk("fmt ", fmt_payload(f)) + chunk("data", data));
}

// A deterministic buffer of samples that PCM16 represents exactly.
AudioBuffer pcm16_exact_audio(int rate_hz, int channels, std::size_t frames, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> value(-32768, 32767);
  std::vector<std::int16_t> pcm(frames * static_cast<std::size_t>(channels));
  for (auto& sample : pcm) {
    sample = static_cast<std::int16_t>(value(random));
  }
  pcm.front() = -32768;  // the extremes must survive too
  pcm.back() = 32767;
  return AudioBuffer{pcm16_to_float(pcm), rate_hz, channels};
}

// The message of the lv::Error that parsing `bytes` throws; fails the test if none (or another type) is thrown.
std::string parse_error(const std::string& bytes, const WavLimits& limits = {}) {
  try {
    parse_wav(bytes, "upload", limits);
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).rfind("upload: ", 0), 0U) << error.what();
    EXPECT_FALSE(error.fix().empty()) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "parse_wav accepted the input";
  return {};
}

TEST(WavTest, Pcm16RoundTripIsBitExact) {
  unsigned seed = 1;
  for (const int rate_hz : {8000, 16000, 22050, 44100, 48000}) {
    for (const int channels : {1, 2, 6}) {
      SCOPED_TRACE(std::to_string(rate_hz) + " Hz, " + std::to_string(channels) + " channels");
      const AudioBuffer audio = pcm16_exact_audio(rate_hz, channels, 1001, seed++);
      const std::string bytes = encode_wav(audio, SampleFormat::pcm16);
      EXPECT_EQ(bytes.size(), 44 + audio.samples.size() * 2);  // canonical header
      EXPECT_EQ(bytes.substr(36, 4), "data");
      const AudioBuffer back = parse_wav(bytes);
      EXPECT_EQ(back.sample_rate_hz, rate_hz);
      EXPECT_EQ(back.channels, channels);
      EXPECT_EQ(back.samples, audio.samples);
    }
  }
}

TEST(WavTest, Float32RoundTripIsBitExact) {
  std::mt19937 random(7);
  std::uniform_real_distribution<float> value(-1.5f, 1.5f);  // float WAV may exceed full scale
  for (const int channels : {1, 2}) {
    for (const int rate_hz : {16000, 44100, 96000}) {
      AudioBuffer audio{std::vector<float>(static_cast<std::size_t>(channels) * 777), rate_hz, channels};
      for (auto& sample : audio.samples) {
        sample = value(random);
      }
      const AudioBuffer back = parse_wav(encode_wav(audio, SampleFormat::float32));
      EXPECT_EQ(back.sample_rate_hz, rate_hz);
      EXPECT_EQ(back.channels, channels);
      EXPECT_EQ(back.samples, audio.samples);
    }
  }
}

TEST(WavTest, Pcm16EncodingClipsAndRounds) {
  const AudioBuffer audio{{2.0f, -2.0f, 0.25f, 1.0f / 32768.0f * 0.6f}, 16000, 1};
  const AudioBuffer back = parse_wav(encode_wav(audio));
  EXPECT_EQ(back.samples, (std::vector<float>{32767.0f / 32768.0f, -1.0f, 0.25f, 1.0f / 32768.0f}));
}

TEST(WavTest, WriteAndReadFileLeavesNoTemporaryFiles) {
  const test::TempDir dir;
  const auto path = dir / "speech.wav";
  const AudioBuffer first = pcm16_exact_audio(16000, 1, 500, 3);
  write_wav(path, first);
  const AudioBuffer second = pcm16_exact_audio(48000, 2, 300, 4);
  write_wav(path, second, SampleFormat::float32);  // replaces the first file
  const AudioBuffer back = read_wav(path);
  EXPECT_EQ(back.samples, second.samples);
  EXPECT_EQ(back.sample_rate_hz, 48000);
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(WavTest, WriteIntoMissingDirectoryFailsClearly) {
  const test::TempDir dir;
  try {
    write_wav(dir / "missing" / "out.wav", AudioBuffer{{0.0f}, 16000, 1});
    FAIL() << "write_wav succeeded";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot write"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("out.wav"), std::string::npos);
  }
}

TEST(WavTest, ReadingMissingFileOrDirectoryFailsClearly) {
  const test::TempDir dir;
  EXPECT_THROW(
      {
        try {
          read_wav(dir / "nope.wav");
        } catch (const Error& error) {
          EXPECT_NE(std::string(error.what()).find("cannot read"), std::string::npos);
          EXPECT_NE(std::string(error.what()).find("nope.wav"), std::string::npos);
          throw;
        }
      },
      Error);
  EXPECT_THROW(
      {
        try {
          read_wav(dir.path());
        } catch (const Error& error) {
          EXPECT_NE(std::string(error.what()).find("directory"), std::string::npos);
          throw;
        }
      },
      Error);
}

TEST(WavTest, ReadRejectsOversizedFileBeforeParsing) {
  const test::TempDir dir;
  const auto path = dir / "long.wav";
  write_wav(path, pcm16_exact_audio(16000, 1, 4000, 5));
  WavLimits limits;
  limits.max_bytes = 1024;
  try {
    read_wav(path, limits);
    FAIL() << "read_wav accepted an oversized file";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("too large"), std::string::npos);
  }
}

TEST(WavTest, EncodeRejectsInconsistentBuffers) {
  EXPECT_THROW(encode_wav(AudioBuffer{{0.0f, 0.0f}, 16000, 0}), Error);
  EXPECT_THROW(encode_wav(AudioBuffer{{0.0f, 0.0f, 0.0f}, 16000, 2}), Error);
  EXPECT_THROW(encode_wav(AudioBuffer{{0.0f}, 0, 1}), Error);
}

TEST(WavTest, ReadsOtherIntegerAndFloatDepths) {
  // 8-bit PCM is unsigned with 128 as silence.
  AudioBuffer audio = parse_wav(wav_with({.bits = 8}, std::string("\x00\x80\xFF", 3) + '\0'));
  EXPECT_EQ(audio.samples, (std::vector<float>{-1.0f, 0.0f, 127.0f / 128.0f, -1.0f}));

  audio = parse_wav(wav_with({.bits = 24}, std::string("\x00\x00\x80\xFF\xFF\x7F\x00\x00\x40", 9)));
  EXPECT_EQ(audio.samples, (std::vector<float>{-1.0f, 8388607.0f / 8388608.0f, 0.5f}));

  audio = parse_wav(wav_with({.bits = 32}, u32(0x80000000U) + u32(0x40000000U)));
  EXPECT_EQ(audio.samples, (std::vector<float>{-1.0f, 0.5f}));

  std::string doubles(16, '\0');
  const double values[] = {0.25, -0.75};
  std::memcpy(doubles.data(), values, sizeof values);
  audio = parse_wav(wav_with({.format = 3, .bits = 64}, doubles));
  EXPECT_EQ(audio.samples, (std::vector<float>{0.25f, -0.75f}));

  // Non-finite float samples would poison every later stage; they become silence.
  audio = parse_wav(wav_with({.format = 3, .bits = 32}, u32(0x7FC00000U) + u32(0x7F800000U) + u32(0x3F000000U)));
  EXPECT_EQ(audio.samples, (std::vector<float>{0.0f, 0.0f, 0.5f}));
}

TEST(WavTest, ReadsExtensibleFormats) {
  const FmtFields stereo16{.channels = 2, .rate_hz = 44100, .bits = 16};
  AudioBuffer audio =
      parse_wav(riff(chunk("fmt ", extensible_payload(stereo16, 1, 16)) + chunk("data", u16(0x4000) + u16(0xC000))));
  EXPECT_EQ(audio.channels, 2);
  EXPECT_EQ(audio.sample_rate_hz, 44100);
  EXPECT_EQ(audio.samples, (std::vector<float>{0.5f, -0.5f}));

  const FmtFields mono_float{.rate_hz = 48000, .bits = 32};
  audio = parse_wav(riff(chunk("fmt ", extensible_payload(mono_float, 3, 32)) + chunk("data", u32(0xBF000000U))));
  EXPECT_EQ(audio.samples, (std::vector<float>{-0.5f}));

  // 20 valid bits in a 24-bit container: read the container.
  const FmtFields mono24{.bits = 24};
  audio =
      parse_wav(riff(chunk("fmt ", extensible_payload(mono24, 1, 20)) + chunk("data", std::string("\x00\x00\x40", 3))));
  EXPECT_EQ(audio.samples, (std::vector<float>{0.5f}));
}

TEST(WavTest, SkipsUnknownAndOddSizedChunks) {
  const std::string data = u16(0x2000) + u16(0xE000);
  // Odd-sized chunks before and after fmt, each followed by its pad byte; junk after the data chunk is ignored.
  const std::string bytes = riff(chunk("LIST", "INFOabc") + chunk("fmt ", fmt_payload({})) + chunk("junk", "x") +
                                 chunk("data", data) + chunk("id3 ", "tag"));
  const AudioBuffer audio = parse_wav(bytes);
  EXPECT_EQ(audio.samples, (std::vector<float>{0.25f, -0.25f}));
}

TEST(WavTest, StreamedDataSizeReadsToEndOfFile) {
  // Streaming writers cannot know the length and declare 0xFFFFFFFF; a trailing partial frame is dropped.
  const std::string bytes = "RIFF" + u32(0xFFFFFFFFU) + "WAVE" + chunk("fmt ", fmt_payload({.channels = 2})) + "data" +
                            u32(0xFFFFFFFFU) + u16(0x4000) + u16(0xC000) + u16(0x2000) + "\x01";
  const AudioBuffer audio = parse_wav(bytes);
  EXPECT_EQ(audio.channels, 2);
  EXPECT_EQ(audio.samples, (std::vector<float>{0.5f, -0.5f}));
}

TEST(WavTest, RejectsMalformedFilesWithClearMessages) {
  const std::string good = wav_with({}, u16(1) + u16(2));
  const std::string fmt = chunk("fmt ", fmt_payload({}));
  struct Case {
    const char* name;
    std::string bytes;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"empty file", "", "is empty"},
      {"random bytes", "\x13\x37\xC0\xFF\xEE random bytes that are not audio", "not a RIFF/WAVE file"},
      {"Ogg file", "OggS\x00\x02 rest of an ogg page", "not a RIFF/WAVE file (it starts with 'OggS')"},
      {"big-endian RIFX", "RIFX" + good.substr(4), "big-endian RIFX"},
      {"RF64", "RF64" + good.substr(4), "RF64"},
      {"RIFF but AVI", "RIFF" + u32(4) + "AVI ", "not WAVE (form type 'AVI ')"},
      {"truncated RIFF header", good.substr(0, 9), "truncated RIFF header"},
      {"truncated chunk header", good.substr(0, 17), "truncated chunk header"},
      {"truncated fmt chunk", good.substr(0, 30), "truncated 'fmt ' chunk"},
      {"truncated data", good.substr(0, good.size() - 1), "truncated data chunk (declares 4 bytes, only 3 present)"},
      {"fmt missing", riff(chunk("data", u16(1))), "no fmt chunk"},
      {"only a LIST chunk", riff(chunk("LIST", "INFO")), "no fmt chunk"},
      {"data missing", riff(fmt + chunk("LIST", "INFO")), "no data chunk"},
      {"data before fmt", riff(chunk("data", u16(1)) + fmt), "no fmt chunk before its data chunk"},
      {"two fmt chunks", riff(fmt + fmt + chunk("data", u16(1))), "two fmt chunks"},
      {"fmt too short", riff(chunk("fmt ", fmt_payload({}).substr(0, 14)) + chunk("data", u16(1))), "too short"},
      {"zero channels", wav_with({.channels = 0}, u16(1)), "0 channels"},
      {"zero rate", wav_with({.rate_hz = 0}, u16(1)), "sample rate of 0 Hz"},
      {"absurd rate", wav_with({.rate_hz = 3000000000U}, u16(1)), "3000000000 Hz is outside the supported range"},
      {"tiny rate", wav_with({.rate_hz = 10}, u16(1)), "10 Hz is outside the supported range"},
      {"block_align mismatch", wav_with({.channels = 2, .block_align = 2}, u16(1)), "block_align is 2"},
      {"A-law", wav_with({.format = 6, .bits = 8}, "ab"), "unsupported encoding: A-law (format 6)"},
      {"mu-law", wav_with({.format = 7, .bits = 8}, "ab"), "mu-law (format 7)"},
      {"MP3", wav_with({.format = 0x55}, "ab"), "MP3 (format 85)"},
      {"ADPCM", wav_with({.format = 2, .bits = 4, .block_align = 256}, "ab"), "Microsoft ADPCM"},
      {"12-bit PCM", wav_with({.bits = 12, .block_align = 2}, "ab"), "unsupported PCM bit depth: 12 bits"},
      {"16-bit float", wav_with({.format = 3, .bits = 16}, "ab"), "unsupported float bit depth: 16 bits"},
      {"too many channels", wav_with({.channels = 9}, std::string(18, '\0')), "9 channels, more than the limit of 8"},
      {"partial frame", wav_with({.channels = 2}, u16(1) + u16(2) + u16(3)), "not a whole number of 4-byte frames"},
      {"chunk beyond file", riff(fmt + "LIST" + u32(1000) + "INFO"), "truncated 'LIST' chunk"},
      {"extensible unknown GUID", riff(chunk("fmt ", extensible_payload({}, 1, 16, false)) + chunk("data", "ab")),
       "unknown WAVE_FORMAT_EXTENSIBLE sub-format"},
      {"extensible A-law", riff(chunk("fmt ", extensible_payload({.bits = 8}, 6, 8)) + chunk("data", "ab")),
       "A-law (format 6)"},
      {"extensible too short", riff(chunk("fmt ", extensible_payload({}, 1, 16).substr(0, 24)) + chunk("data", "ab")),
       "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short"},
      {"extensible valid bits too many", riff(chunk("fmt ", extensible_payload({}, 1, 20)) + chunk("data", "ab")),
       "20 valid bits in 16-bit samples"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = parse_error(c.bytes);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
  }
}

TEST(WavTest, UnsupportedEncodingSuggestsAConversion) {
  try {
    parse_wav(wav_with({.format = 6, .bits = 8}, "ab"), "call.wav");
    FAIL() << "A-law was accepted";
  } catch (const Error& error) {
    EXPECT_NE(error.fix().find("sox in.wav -e signed-integer -b 16 out.wav"), std::string::npos);
  }
}

TEST(WavTest, RejectsInputBeyondLimits) {
  const std::string bytes = wav_with({.channels = 2, .rate_hz = 96000}, std::string(4000, '\0'));
  WavLimits small;
  small.max_bytes = 1000;
  EXPECT_NE(parse_error(bytes, small).find("too large"), std::string::npos);
  WavLimits mono_only;
  mono_only.max_channels = 1;
  EXPECT_NE(parse_error(bytes, mono_only).find("2 channels, more than the limit of 1"), std::string::npos);
  WavLimits low_rates;
  low_rates.max_sample_rate_hz = 48000;
  EXPECT_NE(parse_error(bytes, low_rates).find("96000 Hz is outside the supported range 1000-48000 Hz"),
            std::string::npos);
  EXPECT_EQ(parse_wav(bytes).frame_count(), 1000U);
}

TEST(WavTest, DamagedFilesNeverCrash) {
  // Random damage to valid files: every outcome is either audio or an lv::Error, nothing else.
  std::mt19937 random(2024);
  const std::vector<std::string> seeds = {
      encode_wav(pcm16_exact_audio(16000, 2, 64, 9)),
      encode_wav(pcm16_exact_audio(44100, 1, 64, 10), SampleFormat::float32),
      riff(chunk("LIST", "INFOx") + chunk("fmt ", extensible_payload({.bits = 24}, 1, 24)) +
           chunk("data", std::string(30, '\x7F'))),
  };
  int accepted = 0;
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = seeds[static_cast<std::size_t>(round) % seeds.size()];
    const int edits = 1 + round % 4;
    for (int e = 0; e < edits; ++e) {
      // Mostly hit the headers, where damage changes how the rest is read.
      const std::size_t limit = std::min<std::size_t>(bytes.size(), 80);
      bytes[random() % limit] = static_cast<char>(random() & 0xFF);
    }
    if (round % 3 == 0) {
      bytes.resize(random() % (bytes.size() + 1));
    }
    try {
      const AudioBuffer audio = parse_wav(bytes);
      EXPECT_GT(audio.channels, 0);
      EXPECT_EQ(audio.samples.size() % static_cast<std::size_t>(audio.channels), 0U);
      ++accepted;
    } catch (const Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace lv::audio
