#include "documents/events/decoders.h"

#include <zlib.h>

#include <cstring>
#include <optional>

#include "value/utf8.h"

namespace moat::events {
namespace {

int base64_digit(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool base64_decode(std::string_view in, std::string* out, std::string* why) {
  out->clear();
  out->reserve(in.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t digits = 0, padding = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int d = base64_digit(c);
    if (d < 0 || padding > 0) {
      *why = padding > 0 ? "data after '=' padding at offset " + std::to_string(i)
                         : "invalid base64 character at offset " + std::to_string(i);
      return false;
    }
    ++digits;
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (digits % 4 == 1) {
    *why = "truncated base64 (" + std::to_string(digits) + " digits)";
    return false;
  }
  if (padding > 2) {
    *why = "too much '=' padding";
    return false;
  }
  return true;
}

std::string url_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool looks_gzipped(std::string_view bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0x1F &&
         static_cast<unsigned char>(bytes[1]) == 0x8B && bytes[2] == 8;
}

bool gunzip(std::string_view in, size_t max_out, std::string* out, std::string* why) {
  out->clear();
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  // 16 + MAX_WBITS: gzip wrapper only.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    *why = "cannot initialize zlib";
    return false;
  }
  const unsigned char* next = reinterpret_cast<const unsigned char*>(in.data());
  size_t left = in.size();
  char buf[16384];
  bool ok = true;
  while (true) {
    // zlib counts in uInt; feed at most 1 GiB at a time.
    uInt chunk = static_cast<uInt>(left < (1u << 30) ? left : (1u << 30));
    zs.next_in = const_cast<unsigned char*>(next);
    zs.avail_in = chunk;
    zs.next_out = reinterpret_cast<unsigned char*>(buf);
    zs.avail_out = sizeof buf;
    int rc = inflate(&zs, Z_NO_FLUSH);
    size_t consumed = chunk - zs.avail_in;
    next += consumed;
    left -= consumed;
    size_t produced = sizeof buf - zs.avail_out;
    if (out->size() + produced > max_out) {
      *why = "decompressed size exceeds the limit of " + std::to_string(max_out) + " bytes";
      ok = false;
      break;
    }
    out->append(buf, produced);
    if (rc == Z_STREAM_END) {
      // Concatenated members are one stream to gzip(1); anything else after
      // the end (padding, garbage) is ignored, as gzip(1) does.
      if (!looks_gzipped(std::string_view(reinterpret_cast<const char*>(next), left))) break;
      if (inflateReset(&zs) != Z_OK) { *why = "cannot reset zlib"; ok = false; break; }
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      // No progress with fresh output space: the input ended mid-stream.
      if (consumed == 0 && produced == 0) {
        *why = "truncated gzip data";
        ok = false;
        break;
      }
      continue;
    }
    *why = std::string("corrupt gzip data") + (zs.msg != nullptr ? std::string(" (") + zs.msg + ")" : "");
    ok = false;
    break;
  }
  inflateEnd(&zs);
  if (!ok) out->clear();
  return ok;
}

bool bytes_from_list(const Value& list, std::string* out, std::string* why) {
  out->clear();
  if (!list.is_list()) {
    *why = "not a list of bytes";
    return false;
  }
  out->reserve(list.as_list().size);
  for (const Value& item : list.as_list()) {
    if (!item.is_int() || item.as_int() < -128 || item.as_int() > 255) {
      *why = "not a list of byte values";
      return false;
    }
    out->push_back(static_cast<char>(static_cast<unsigned char>(item.as_int() & 0xFF)));
  }
  return true;
}

bool repair_utf8(std::string* s) {
  std::optional<size_t> bad = find_invalid_utf8(*s);
  if (!bad) return false;
  std::string out;
  out.reserve(s->size() + 16);
  std::string_view rest(*s);
  while (bad) {
    out.append(rest.substr(0, *bad));
    out += "\xEF\xBF\xBD";
    rest.remove_prefix(*bad + 1);
    bad = find_invalid_utf8(rest);
  }
  out.append(rest);
  *s = std::move(out);
  return true;
}

}  // namespace moat::events
