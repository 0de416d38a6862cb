// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// A strict little JSON reader for the tests (Boost 1.74 has no Boost.JSON),
// and the schema of `ctwatch --json`, checked type by type: the contract
// scripts rely on (README "On-call CLI").

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ctwatch::test {

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  std::string text;                    // String: the value; Number: as written
  std::vector<Json> items;             // Array
  std::map<std::string, Json> fields;  // Object
  std::vector<std::string> order;      // Object: keys in document order

  bool is(Kind k) const { return kind == k; }
  bool is_uint() const {
    return kind == Kind::Number && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  }
  std::uint64_t u64() const {
    if (!is_uint()) throw std::runtime_error("not an unsigned integer: " + text);
    return std::stoull(text);
  }
  double num() const {
    if (kind != Kind::Number) throw std::runtime_error("not a number");
    return std::strtod(text.c_str(), nullptr);
  }
  bool has(const std::string& k) const { return fields.count(k) != 0; }
  const Json& operator[](const std::string& k) const {
    const auto it = fields.find(k);
    if (kind != Kind::Object || it == fields.end()) throw std::runtime_error("no field \"" + k + "\"");
    return it->second;
  }
  const Json& operator[](std::size_t i) const {
    if (kind != Kind::Array || i >= items.size()) throw std::runtime_error("no item " + std::to_string(i));
    return items[i];
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}
  Json document() {
    Json v = value();
    ws();
    if (i_ != s_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error("JSON: " + why + " at offset " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool eat(std::string_view lit) {
    if (s_.substr(i_, lit.size()) != lit) return false;
    i_ += lit.size();
    return true;
  }
  std::string string() {
    if (!eat("\"")) fail("expected a string");
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c == '\\') {
        if (i_ >= s_.size()) fail("bad escape");
        c = s_[i_++];
        switch (c) {
          case '"': case '\\': case '/': out += c; break;
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u':
            if (i_ + 4 > s_.size()) fail("bad \\u escape");
            out += static_cast<char>(std::stoi(std::string(s_.substr(i_, 4)), nullptr, 16));
            i_ += 4;
            break;
          default: fail("bad escape");
        }
      } else {
        out += c;
      }
    }
    if (!eat("\"")) fail("unterminated string");
    return out;
  }
  Json value() {
    ws();
    Json v;
    if (i_ >= s_.size()) fail("unexpected end");
    const char c = s_[i_];
    if (c == '{') {
      ++i_;
      v.kind = Json::Kind::Object;
      ws();
      if (eat("}")) return v;
      for (;;) {
        ws();
        std::string k = string();
        if (v.fields.count(k)) fail("duplicate key " + k);
        ws();
        if (!eat(":")) fail("expected ':'");
        v.fields[k] = value();
        v.order.push_back(k);
        ws();
        if (eat("}")) return v;
        if (!eat(",")) fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++i_;
      v.kind = Json::Kind::Array;
      ws();
      if (eat("]")) return v;
      for (;;) {
        v.items.push_back(value());
        ws();
        if (eat("]")) return v;
        if (!eat(",")) fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = Json::Kind::String;
      v.text = string();
      return v;
    }
    if (eat("null")) return v;
    if (eat("true") || eat("false")) {
      v.kind = Json::Kind::Bool;
      v.boolean = s_.substr(i_ - 4, 4) == "true";
      return v;
    }
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                              s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-'))
      ++i_;
    if (i_ == start) fail("unexpected character");
    v.kind = Json::Kind::Number;
    v.text = std::string(s_.substr(start, i_ - start));
    char* end = nullptr;
    std::strtod(v.text.c_str(), &end);
    if (end != v.text.c_str() + v.text.size()) fail("bad number " + v.text);
    return v;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline Json parse_json(std::string_view s) { return JsonReader(s).document(); }

// The schema of `ctwatch --json` (version 2; mode "table", or "plan" for
// --rate: see ctwatch_plan_schema_errors). Returns every violation; an
// empty list means the document conforms. "uint?" = unsigned integer or null.
// $.sizing: null (nothing to size from) or this object.
template <class TypeIs, class Fields>
void sizing_errors(const Json& v, TypeIs&, Fields& fields, std::vector<std::string>&) {
  if (v.is(Json::Kind::Null)) return;
  fields(v, {{"need", "uint"}, {"from_peak", "uint?"}, {"from_rate", "uint?"}, {"hold_seconds", "number"},
             {"headroom", "number"}, {"nf_conntrack_max", "uint"}, {"nf_conntrack_buckets", "uint"},
             {"entry_bytes", "uint"}, {"entry_bytes_source", ""}, {"entries_memory_bytes", "uint"},
             {"buckets_memory_bytes", "uint"}, {"current_max", "uint?"}, {"current_buckets", "uint?"},
             {"max_too_small", "bool"}},
         "$.sizing");
}

inline std::vector<std::string> ctwatch_schema_errors(const Json& d) {
  std::vector<std::string> err;
  using K = Json::Kind;
  auto type_is = [&](const Json& v, const std::string& t, const std::string& where) {
    bool ok = false;
    if (t == "uint") ok = v.is_uint();
    else if (t == "uint?") ok = v.is_uint() || v.is(K::Null);
    else if (t == "number") ok = v.is(K::Number);
    else if (t == "number?") ok = v.is(K::Number) || v.is(K::Null);
    else if (t == "string") ok = v.is(K::String);
    else if (t == "bool") ok = v.is(K::Bool);
    else if (t == "object") ok = v.is(K::Object);
    else if (t == "array") ok = v.is(K::Array);
    if (!ok) err.push_back(where + ": expected " + t);
    return ok;
  };
  // Exactly these fields, in this order.
  auto fields = [&](const Json& v, const std::vector<std::pair<std::string, std::string>>& want,
                    const std::string& where) {
    if (!type_is(v, "object", where)) return false;
    std::vector<std::string> names;
    for (const auto& [n, t] : want) names.push_back(n);
    if (v.order != names) {
      std::string got;
      for (const auto& n : v.order) got += n + " ";
      err.push_back(where + ": fields are [" + got + "]");
      return false;
    }
    for (const auto& [n, t] : want)
      if (!t.empty()) type_is(v[n], t, where + "." + n);
    return true;
  };
  auto peer_list = [&](const Json& v, bool dst, const std::string& where) {
    if (v.is(K::Null)) return;
    if (!fields(v, {{"exact", "bool"}, {"max_error", "uint"}, {"counted", "uint"}, {"peers", "array"}}, where)) return;
    for (std::size_t i = 0; i < v["peers"].items.size(); ++i) {
      const std::string w = where + ".peers[" + std::to_string(i) + "]";
      const Json& p = v["peers"][i];
      if (dst)
        fields(p, {{"address", "string"}, {"family", "string"}, {"port", "uint"}, {"endpoint", "string"},
                   {"count", "uint"}, {"error", "uint"}}, w);
      else
        fields(p, {{"address", "string"}, {"family", "string"}, {"count", "uint"}, {"error", "uint"}}, w);
      if (p.is(K::Object) && p.has("family") && p["family"].text != "ipv4" && p["family"].text != "ipv6")
        err.push_back(w + ".family: not ipv4/ipv6");
    }
  };
  if (!fields(d, {{"version", "uint"}, {"mode", "string"}, {"namespace", ""}, {"table", "object"}, {"census", ""},
                  {"interval_seconds", "number?"}, {"counters", "object"}, {"top", ""}, {"tuning", "object"},
                  {"sizing", ""}, {"findings", "array"}},
              "$"))
    return err;
  if (d["version"].is_uint() && d["version"].u64() != 2) err.push_back("$.version: not 2");
  if (d["mode"].text != "table") err.push_back("$.mode: not table");
  sizing_errors(d["sizing"], type_is, fields, err);
  if (!d["namespace"].is(K::Null)) fields(d["namespace"], {{"name", "string"}, {"path", "string"}}, "$.namespace");
  fields(d["table"], {{"entries", "uint?"}, {"max", "uint?"}, {"fill_percent", "number?"}, {"buckets", "uint?"},
                      {"peak", "uint?"}},
         "$.table");
  if (!d["census"].is(K::Null) &&
      fields(d["census"], {{"entries", "uint"}, {"seconds", "number"}, {"tcp_states", "object"}, {"protocols", "object"},
                           {"assured", "object"}, {"unreplied", "object"}},
             "$.census")) {
    std::vector<std::pair<std::string, std::string>> states, protos;
    for (const char* s : {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
                          "TIME_WAIT", "CLOSE", "SYN_SENT2"})
      states.emplace_back(s, "uint");
    for (const char* p : {"tcp", "udp", "icmp", "icmpv6", "sctp", "dccp", "gre", "udplite", "other"})
      protos.emplace_back(p, "uint");
    fields(d["census"]["tcp_states"], states, "$.census.tcp_states");
    fields(d["census"]["protocols"], protos, "$.census.protocols");
    fields(d["census"]["assured"], protos, "$.census.assured");
    fields(d["census"]["unreplied"], protos, "$.census.unreplied");
  }
  std::vector<std::pair<std::string, std::string>> counters;
  for (const char* c : {"drop", "early_drop", "insert_failed", "invalid", "error", "chaintoolong", "found", "insert",
                        "search_restart", "clash_resolve"})
    counters.emplace_back(c, "object");
  if (fields(d["counters"], counters, "$.counters"))
    for (const auto& [c, t] : counters)
      fields(d["counters"][c], {{"total", "uint?"}, {"delta", "uint?"}, {"per_second", "number?"}}, "$.counters." + c);
  if (!d["top"].is(K::Null) &&
      fields(d["top"], {{"n", "uint"}, {"capacity", "uint"}, {"sources", ""}, {"destinations", ""},
                        {"time_wait_sources", ""}, {"time_wait_destinations", ""},
                        {"unreplied_sources", ""}, {"unreplied_destinations", ""}},
             "$.top")) {
    peer_list(d["top"]["sources"], false, "$.top.sources");
    peer_list(d["top"]["destinations"], true, "$.top.destinations");
    peer_list(d["top"]["time_wait_sources"], false, "$.top.time_wait_sources");
    peer_list(d["top"]["time_wait_destinations"], true, "$.top.time_wait_destinations");
    peer_list(d["top"]["unreplied_sources"], false, "$.top.unreplied_sources");
    peer_list(d["top"]["unreplied_destinations"], true, "$.top.unreplied_destinations");
  }
  fields(d["tuning"], {{"nf_conntrack_max", "uint?"}, {"nf_conntrack_buckets", "uint?"},
                       {"nf_conntrack_tcp_timeout_time_wait", "uint?"}, {"nf_conntrack_tcp_timeout_established", "uint?"},
                       {"nf_conntrack_udp_timeout", "uint?"}, {"nf_conntrack_udp_timeout_stream", "uint?"},
                       {"tcp_tw_reuse", "uint?"}},
         "$.tuning");
  for (std::size_t i = 0; i < d["findings"].items.size(); ++i) {
    const std::string w = "$.findings[" + std::to_string(i) + "]";
    const Json& f = d["findings"][i];
    if (fields(f, {{"id", "string"}, {"severity", "string"}, {"message", "string"}}, w)) {
      const auto& s = f["severity"].text;
      if (s != "critical" && s != "warning" && s != "info") err.push_back(w + ".severity: " + s);
    }
  }
  return err;
}

}  // namespace ctwatch::test
