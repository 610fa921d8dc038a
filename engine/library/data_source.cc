#include "library/data_source.h"

#include <filesystem>

#include <nlohmann/json.hpp>

namespace moat {

namespace {

void append_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '$': out += "\\$"; break;  // never an interpolation
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u{";
          out += hex[c >> 4];
          out += hex[c & 15];
          out += '}';
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through (nlohmann validated it)
        }
    }
  }
  out += '"';
}

void append_literal(std::string& out, const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: out += "null"; break;
    case nlohmann::json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: out += v.dump(); break;
    case nlohmann::json::value_t::number_float: {
      std::string text = v.dump();
      // Moat floats need digits on both sides of the point.
      if (text.find_first_of(".eE") == std::string::npos) text += ".0";
      out += text;
      break;
    }
    case nlohmann::json::value_t::string: append_string(out, v.get<std::string>()); break;
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ", ";
        first = false;
        append_literal(out, item);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.items()) {
        if (!first) out += ", ";
        first = false;
        append_string(out, k);
        out += ": ";
        append_literal(out, item);
      }
      out += '}';
      break;
    }
    default: out += "null"; break;
  }
}

std::string line_col(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

bool is_data_file_path(std::string_view path) {
  std::filesystem::path p{std::string(path)};
  return p.extension() == ".json" && p.parent_path().filename() == "data";
}

absl::StatusOr<std::string> data_param_name(std::string_view path) {
  std::string stem = std::filesystem::path(std::string(path)).stem().string();
  if (!is_identifier(stem))
    return absl::InvalidArgumentError(std::string(path) + ":1:1: a data file's name must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got '" +
                                      stem + "'");
  return stem;
}

absl::StatusOr<std::string> data_file_to_policy(std::string_view path, std::string_view json_text) {
  auto name = data_param_name(path);
  if (!name.ok()) return name.status();
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    size_t colon = what.find(": ", what.find("column"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    return absl::InvalidArgumentError(std::string(path) + ":" + line_col(json_text, e.byte == 0 ? 0 : e.byte - 1) +
                                      ": invalid JSON in data file: " + reason);
  }
  // One line of header keeps the JSON's own line numbers (shifted by one) readable in diagnostics.
  std::string out = "package moat.data\n";
  out += "param " + *name + ": any = ";
  append_literal(out, value);
  out += " ";
  std::string doc = "data file " + std::string(path);
  append_string(out, doc);
  out += "\n";
  return out;
}

}  // namespace moat
