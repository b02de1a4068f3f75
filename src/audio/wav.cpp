#include "audio/wav.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "audio/pcm.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace lv::audio {
namespace {

constexpr std::uint16_t kFormatPcm = 0x0001;
constexpr std::uint16_t kFormatFloat = 0x0003;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr std::uint32_t kStreamedSize = 0xFFFFFFFF;  // "until end of file", written by streaming encoders
constexpr std::size_t kRiffHeaderBytes = 12;
constexpr std::size_t kChunkHeaderBytes = 8;

// Bytes 2..15 of the KSDATAFORMAT_SUBTYPE GUIDs; bytes 0..1 carry the plain format code.
constexpr std::array<std::uint8_t, 14> kSubtypeGuidTail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                                           0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

constexpr const char* kConvertFix =
    "convert it to 16-bit PCM, e.g.: sox in.wav -e signed-integer -b 16 out.wav "
    "(or: ffmpeg -i in.wav -c:a pcm_s16le out.wav)";
constexpr const char* kReexportFix = "the file is damaged or was cut off; record or export it again";

enum class Encoding { u8, s16, s24, s32, f32, f64 };

struct WavFormat {
  Encoding encoding = Encoding::s16;
  int channels = 0;
  int sample_rate_hz = 0;
  std::size_t block_align = 0;
};

std::uint16_t read_u16(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes[at]) |
                                    (static_cast<std::uint8_t>(bytes[at + 1]) << 8));
}

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint32_t>(read_u16(bytes, at)) | (static_cast<std::uint32_t>(read_u16(bytes, at + 2)) << 16);
}

// Chunk ids come from untrusted bytes: show printable characters only.
std::string printable_id(std::string_view bytes, std::size_t at) {
  std::string id;
  for (std::size_t i = 0; i < 4 && at + i < bytes.size(); ++i) {
    const char c = bytes[at + i];
    id += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return "'" + id + "'";
}

std::string encoding_name(std::uint16_t code) {
  switch (code) {
    case 0x0002:
      return "Microsoft ADPCM";
    case 0x0006:
      return "A-law";
    case 0x0007:
      return "mu-law";
    case 0x0011:
      return "IMA ADPCM";
    case 0x0031:
      return "GSM 6.10";
    case 0x0050:
      return "MPEG audio";
    case 0x0055:
      return "MP3";
    default:
      return "non-PCM encoding";
  }
}

std::string mib(std::size_t bytes) { return std::to_string((bytes + (std::size_t{1} << 20) - 1) >> 20) + " MiB"; }

class WavParser {
 public:
  WavParser(std::string_view bytes, std::string_view source, const WavLimits& limits)
      : bytes_(bytes), source_(source), limits_(limits) {}

  AudioBuffer parse() {
    check_riff_header();
    std::size_t pos = kRiffHeaderBytes;
    bool have_format = false;
    WavFormat format;
    while (pos < bytes_.size()) {
      if (bytes_.size() - pos < kChunkHeaderBytes) {
        fail("truncated chunk header at byte " + std::to_string(pos), kReexportFix);
      }
      const std::string_view id = bytes_.substr(pos, 4);
      const std::uint32_t declared = read_u32(bytes_, pos + 4);
      const std::size_t body = pos + kChunkHeaderBytes;
      const std::size_t remaining = bytes_.size() - body;
      if (id == "data") {
        if (!have_format) {
          fail("has no fmt chunk before its data chunk", kConvertFix);
        }
        return decode(format, body, data_size(format, declared, remaining));
      }
      if (declared > remaining) {
        fail("truncated " + printable_id(bytes_, pos) + " chunk (declares " + std::to_string(declared) +
                 " bytes, only " + std::to_string(remaining) + " present)",
             kReexportFix);
      }
      if (id == "fmt ") {
        if (have_format) {
          fail("has two fmt chunks", kConvertFix);
        }
        format = parse_format(bytes_.substr(body, declared));
        have_format = true;
      }
      // Chunks are padded to even sizes; a missing pad byte at the very end is harmless.
      pos = body + declared + (declared & 1U);
    }
    if (!have_format) {
      fail("has no fmt chunk", kConvertFix);
    }
    fail("has no data chunk", kReexportFix);
  }

 private:
  [[noreturn]] void fail(const std::string& problem, const std::string& fix) const {
    throw Error(std::string(source_) + ": " + problem, fix);
  }

  void check_riff_header() const {
    if (bytes_.empty()) {
      fail("is empty (0 bytes), not a WAV file", "record or export the audio again as a WAV file");
    }
    if (bytes_.size() > limits_.max_bytes) {
      fail("is too large (" + mib(bytes_.size()) + ", limit " + mib(limits_.max_bytes) + ")",
           "send a shorter recording, e.g.: sox in.wav out.wav trim 0 300");
    }
    const std::string_view magic = bytes_.substr(0, 4);
    if (magic == "RIFX") {
      fail("is a big-endian RIFX file, which is not supported", kConvertFix);
    }
    if (magic == "RF64") {
      fail("is an RF64 (64-bit) WAV file, which is not supported", kConvertFix);
    }
    if (std::string_view("RIFF").substr(0, magic.size()) != magic) {
      fail("is not a RIFF/WAVE file (it starts with " + printable_id(bytes_, 0) + ")",
           "send a WAV file; convert other formats with: sox in.mp3 -b 16 out.wav");
    }
    if (bytes_.size() < kRiffHeaderBytes) {
      fail("truncated RIFF header (" + std::to_string(bytes_.size()) + " bytes, needs 12)", kReexportFix);
    }
    if (bytes_.substr(8, 4) != "WAVE") {
      fail("is a RIFF file but not WAVE (form type " + printable_id(bytes_, 8) + ")",
           "send a WAV file; convert other formats with: sox in.avi -b 16 out.wav");
    }
  }

  WavFormat parse_format(std::string_view fmt) const {
    if (fmt.size() < 16) {
      fail("fmt chunk is too short (" + std::to_string(fmt.size()) + " bytes, needs 16)", kReexportFix);
    }
    std::uint16_t code = read_u16(fmt, 0);
    const std::uint16_t channels = read_u16(fmt, 2);
    const std::uint32_t rate_hz = read_u32(fmt, 4);
    const std::uint16_t block_align = read_u16(fmt, 12);
    const std::uint16_t bits = read_u16(fmt, 14);
    if (channels == 0) {
      fail("declares 0 channels", kReexportFix);
    }
    if (rate_hz == 0) {
      fail("declares a sample rate of 0 Hz", kReexportFix);
    }
    if (code == kFormatExtensible) {
      if (fmt.size() < 40 || read_u16(fmt, 16) < 22) {
        fail("WAVE_FORMAT_EXTENSIBLE fmt chunk is too short (" + std::to_string(fmt.size()) + " bytes, needs 40)",
             kReexportFix);
      }
      if (read_u16(fmt, 18) > bits) {
        fail(
            "declares " + std::to_string(read_u16(fmt, 18)) + " valid bits in " + std::to_string(bits) + "-bit samples",
            kReexportFix);
      }
      if (std::memcmp(fmt.data() + 26, kSubtypeGuidTail.data(), kSubtypeGuidTail.size()) != 0) {
        fail("has an unknown WAVE_FORMAT_EXTENSIBLE sub-format", kConvertFix);
      }
      code = read_u16(fmt, 24);
    }
    WavFormat format;
    format.encoding = encoding_for(code, bits);
    format.channels = channels;
    format.sample_rate_hz = static_cast<int>(std::min<std::uint32_t>(rate_hz, 0x7FFFFFFF));
    format.block_align = block_align;
    const std::size_t expected_align = std::size_t{channels} * (bits / 8U);
    if (block_align != expected_align) {
      fail("block_align is " + std::to_string(block_align) + " but " + std::to_string(channels) + " channels of " +
               std::to_string(bits) + "-bit samples need " + std::to_string(expected_align),
           kConvertFix);
    }
    if (format.channels > limits_.max_channels) {
      fail("has " + std::to_string(channels) + " channels, more than the limit of " +
               std::to_string(limits_.max_channels),
           "downmix it, e.g.: sox in.wav -c 1 out.wav");
    }
    if (rate_hz < static_cast<std::uint32_t>(limits_.min_sample_rate_hz) ||
        rate_hz > static_cast<std::uint32_t>(limits_.max_sample_rate_hz)) {
      fail("sample rate " + std::to_string(rate_hz) + " Hz is outside the supported range " +
               std::to_string(limits_.min_sample_rate_hz) + "-" + std::to_string(limits_.max_sample_rate_hz) + " Hz",
           "resample it, e.g.: sox in.wav -r 16000 out.wav");
    }
    return format;
  }

  Encoding encoding_for(std::uint16_t code, std::uint16_t bits) const {
    if (code == kFormatPcm) {
      switch (bits) {
        case 8:
          return Encoding::u8;
        case 16:
          return Encoding::s16;
        case 24:
          return Encoding::s24;
        case 32:
          return Encoding::s32;
        default:
          fail("unsupported PCM bit depth: " + std::to_string(bits) + " bits (8, 16, 24 and 32 are supported)",
               kConvertFix);
      }
    }
    if (code == kFormatFloat) {
      if (bits == 32) {
        return Encoding::f32;
      }
      if (bits == 64) {
        return Encoding::f64;
      }
      fail("unsupported float bit depth: " + std::to_string(bits) + " bits (32 and 64 are supported)", kConvertFix);
    }
    fail("unsupported encoding: " + encoding_name(code) + " (format " + std::to_string(code) +
             "); only PCM and IEEE float are supported",
         kConvertFix);
  }

  std::size_t data_size(const WavFormat& format, std::uint32_t declared, std::size_t remaining) const {
    if (declared == kStreamedSize) {
      return remaining - remaining % format.block_align;
    }
    if (declared > remaining) {
      fail("truncated data chunk (declares " + std::to_string(declared) + " bytes, only " + std::to_string(remaining) +
               " present)",
           kReexportFix);
    }
    if (declared % format.block_align != 0) {
      fail("data chunk size " + std::to_string(declared) + " is not a whole number of " +
               std::to_string(format.block_align) + "-byte frames",
           kReexportFix);
    }
    return declared;
  }

  AudioBuffer decode(const WavFormat& format, std::size_t offset, std::size_t size) const {
    AudioBuffer audio;
    audio.sample_rate_hz = format.sample_rate_hz;
    audio.channels = format.channels;
    const std::size_t sample_bytes = format.block_align / static_cast<std::size_t>(format.channels);
    const std::size_t count = size / sample_bytes;
    audio.samples.resize(count);
    const std::string_view data = bytes_.substr(offset, size);
    float* out = audio.samples.data();
    switch (format.encoding) {
      case Encoding::u8:
        for (std::size_t i = 0; i < count; ++i) {
          out[i] = static_cast<float>(static_cast<int>(static_cast<std::uint8_t>(data[i])) - 128) / 128.0f;
        }
        break;
      case Encoding::s16:
        for (std::size_t i = 0; i < count; ++i) {
          out[i] = static_cast<float>(static_cast<std::int16_t>(read_u16(data, 2 * i))) / 32768.0f;
        }
        break;
      case Encoding::s24:
        for (std::size_t i = 0; i < count; ++i) {
          // Put the 24 bits at the top of an int32 so the sign comes along, then scale by 2^31.
          const std::uint32_t raw = static_cast<std::uint32_t>(read_u16(data, 3 * i)) << 8 |
                                    static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[3 * i + 2])) << 24;
          out[i] = static_cast<float>(static_cast<double>(static_cast<std::int32_t>(raw)) / 2147483648.0);
        }
        break;
      case Encoding::s32:
        for (std::size_t i = 0; i < count; ++i) {
          const auto value = static_cast<std::int32_t>(read_u32(data, 4 * i));
          out[i] = static_cast<float>(static_cast<double>(value) / 2147483648.0);
        }
        break;
      case Encoding::f32:
        for (std::size_t i = 0; i < count; ++i) {
          const float value = std::bit_cast<float>(read_u32(data, 4 * i));
          out[i] = std::isfinite(value) ? value : 0.0f;
        }
        break;
      case Encoding::f64:
        for (std::size_t i = 0; i < count; ++i) {
          const std::uint64_t raw = static_cast<std::uint64_t>(read_u32(data, 8 * i)) |
                                    static_cast<std::uint64_t>(read_u32(data, 8 * i + 4)) << 32;
          const double value = std::bit_cast<double>(raw);
          out[i] = std::isfinite(value) ? static_cast<float>(value) : 0.0f;
        }
        break;
    }
    return audio;
  }

  std::string_view bytes_;
  std::string_view source_;
  const WavLimits& limits_;
};

void append_u16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value & 0xFF);
  out += static_cast<char>(value >> 8);
}

void append_u32(std::string& out, std::uint32_t value) {
  append_u16(out, static_cast<std::uint16_t>(value & 0xFFFF));
  append_u16(out, static_cast<std::uint16_t>(value >> 16));
}

std::string system_message(int error_number) {
  return std::error_code(error_number, std::generic_category()).message();
}

}  // namespace

AudioBuffer parse_wav(std::string_view bytes, std::string_view source, const WavLimits& limits) {
  return WavParser(bytes, source, limits).parse();
}

AudioBuffer read_wav(const std::filesystem::path& path, const WavLimits& limits) {
  const std::string name = path.string();
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error("cannot read " + name + ": it is a directory", "give the path of a WAV file");
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) {
    throw Error("cannot read " + name + ": " + error.message(), "check the path and its permissions");
  }
  if (size > limits.max_bytes) {
    throw Error(
        name + ": is too large (" + mib(static_cast<std::size_t>(size)) + ", limit " + mib(limits.max_bytes) + ")",
        "send a shorter recording, e.g.: sox in.wav out.wav trim 0 300");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open " + name + ": " + system_message(errno), "check the path and its permissions");
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    throw Error("cannot read " + name + ": it changed size while being read", "read it again once it is complete");
  }
  return parse_wav(bytes, name, limits);
}

std::string encode_wav(const AudioBuffer& audio, SampleFormat format) {
  if (audio.channels < 1 || audio.channels > 0xFFFF) {
    throw Error("cannot write WAV audio with " + std::to_string(audio.channels) + " channels",
                "use between 1 and 65535 channels");
  }
  if (audio.sample_rate_hz < 1) {
    throw Error("cannot write WAV audio at " + std::to_string(audio.sample_rate_hz) + " Hz",
                "set a positive sample rate");
  }
  const auto channels = static_cast<std::uint16_t>(audio.channels);
  if (audio.samples.size() % channels != 0) {
    throw Error("cannot write WAV audio: " + std::to_string(audio.samples.size()) + " samples do not fill whole " +
                    std::to_string(channels) + "-channel frames",
                "pass interleaved audio with the same number of samples for every channel");
  }
  const bool is_float = format == SampleFormat::float32;
  const std::uint16_t sample_bytes = is_float ? 4 : 2;
  const std::uint16_t block_align =
      static_cast<std::uint16_t>(std::min<std::uint32_t>(channels * sample_bytes, 0xFFFF));
  const std::uint64_t data_bytes = std::uint64_t{audio.samples.size()} * sample_bytes;
  const std::uint32_t header_bytes = is_float ? 58 : 44;
  if (channels * std::uint32_t{sample_bytes} > 0xFFFF || data_bytes + header_bytes > 0xFFFFFFFFULL) {
    throw Error("audio is too large for a WAV file (" + std::to_string(data_bytes) + " bytes of samples)",
                "split it into shorter pieces (a WAV file holds at most 4 GiB)");
  }
  std::string out;
  out.reserve(header_bytes + data_bytes);
  out += "RIFF";
  append_u32(out, static_cast<std::uint32_t>(header_bytes - 8 + data_bytes));
  out += "WAVE";
  out += "fmt ";
  append_u32(out, is_float ? 18 : 16);
  append_u16(out, is_float ? kFormatFloat : kFormatPcm);
  append_u16(out, channels);
  append_u32(out, static_cast<std::uint32_t>(audio.sample_rate_hz));
  append_u32(out, static_cast<std::uint32_t>(audio.sample_rate_hz) * block_align);
  append_u16(out, block_align);
  append_u16(out, static_cast<std::uint16_t>(sample_bytes * 8));
  if (is_float) {
    append_u16(out, 0);  // cbSize: no extension
    out += "fact";       // non-PCM formats carry the frame count in a fact chunk
    append_u32(out, 4);
    append_u32(out, static_cast<std::uint32_t>(audio.frame_count()));
  }
  out += "data";
  append_u32(out, static_cast<std::uint32_t>(data_bytes));
  if (is_float) {
    for (const float sample : audio.samples) {
      append_u32(out, std::bit_cast<std::uint32_t>(sample));
    }
  } else {
    for (const std::int16_t sample : float_to_pcm16(audio.samples)) {
      append_u16(out, static_cast<std::uint16_t>(sample));
    }
  }
  return out;
}

void write_wav(const std::filesystem::path& path, const AudioBuffer& audio, SampleFormat format) {
  const std::string bytes = encode_wav(audio, format);
  const std::string name = path.string();
  std::random_device random;
  // A hidden sibling, so the rename stays within one file system and so stays atomic.
  std::string temp_name = ".";
  temp_name += path.filename().string();
  temp_name += ".tmp-";
  temp_name += std::to_string(random());
  const std::filesystem::path temp = path.parent_path() / temp_name;
  const char* fix = "check that the directory exists and is writable and that the disk has free space";
  util::UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    throw Error("cannot write " + name + ": " + system_message(errno), fix);
  }
  const auto fail = [&](int error_number) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw Error("cannot write " + name + ": " + system_message(error_number), fix);
  };
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t result = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
    if (result < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(errno);
    }
    written += static_cast<std::size_t>(result);
  }
  // Data must be on disk before the rename makes it visible, or a power cut could leave an empty file.
  if (::fsync(fd.get()) != 0 || fd.close() != 0) {
    fail(errno);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    fail(errno);
  }
}

}  // namespace lv::audio
