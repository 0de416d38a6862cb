// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// `ctwatch --json` for the tests: a strict parse (nlohmann-json, which
// also rejects duplicate keys here) and the schema, checked type by type:
// the contract scripts rely on (README "On-call CLI"). Objects keep their
// keys in document order, so the schema checks the order too.

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ctwatch::test {

using Json = nlohmann::ordered_json;

// Throws nlohmann::json::parse_error on malformed JSON (trailing
// characters, control characters in strings, bad escapes and numbers) and
// std::runtime_error on a key repeated within one object.
inline Json parse_json(std::string_view s) {
  std::vector<std::set<std::string>> keys;  // one set per open object
  return Json::parse(s, [&](int, Json::parse_event_t e, Json& parsed) {
    if (e == Json::parse_event_t::object_start) keys.emplace_back();
    else if (e == Json::parse_event_t::object_end) keys.pop_back();
    else if (e == Json::parse_event_t::key && !keys.back().insert(parsed.get<std::string>()).second)
      throw std::runtime_error("JSON: duplicate key " + parsed.get<std::string>());
    return true;
  });
}

// The schema of `ctwatch --json` (version 3; mode "table", or "plan" for
// --rate: see ctwatch_plan_schema_errors). Returns every violation; an
// empty list means the document conforms. "uint?" = unsigned integer or null.
// $.sizing: null (nothing to size from) or this object.
template <class TypeIs, class Fields>
void sizing_errors(const Json& v, TypeIs&, Fields& fields, std::vector<std::string>&) {
  if (v.is_null()) return;
  fields(v, {{"need", "uint"}, {"from_peak", "uint?"}, {"from_rate", "uint?"}, {"hold_seconds", "number"},
             {"headroom", "number"}, {"nf_conntrack_max", "uint"}, {"nf_conntrack_buckets", "uint"},
             {"entry_bytes", "uint"}, {"entry_bytes_source", ""}, {"entries_memory_bytes", "uint"},
             {"buckets_memory_bytes", "uint"}, {"current_max", "uint?"}, {"current_buckets", "uint?"},
             {"max_too_small", "bool"}, {"memory", ""}},
         "$.sizing");
  if (v.is_object() && v.contains("memory") && !v.at("memory").is_null())
    fields(v.at("memory"), {{"mem_total_bytes", "uint"}, {"table_bytes", "uint"}, {"share", "number"},
                            {"verdict", "string"}, {"fitting_max", "uint"}, {"fitting_rate_per_second", "number?"}},
           "$.sizing.memory");
}

inline std::vector<std::string> ctwatch_schema_errors(const Json& d) {
  std::vector<std::string> err;
  auto type_is = [&](const Json& v, const std::string& t, const std::string& where) {
    bool ok = false;
    if (t == "uint") ok = v.is_number_unsigned();
    else if (t == "uint?") ok = v.is_number_unsigned() || v.is_null();
    else if (t == "number") ok = v.is_number();
    else if (t == "number?") ok = v.is_number() || v.is_null();
    else if (t == "string") ok = v.is_string();
    else if (t == "bool") ok = v.is_boolean();
    else if (t == "object") ok = v.is_object();
    else if (t == "array") ok = v.is_array();
    if (!ok) err.push_back(where + ": expected " + t);
    return ok;
  };
  // Exactly these fields, in this order.
  auto fields = [&](const Json& v, const std::vector<std::pair<std::string, std::string>>& want,
                    const std::string& where) {
    if (!type_is(v, "object", where)) return false;
    std::vector<std::string> names, order;
    for (const auto& [n, t] : want) names.push_back(n);
    for (const auto& [n, x] : v.items()) order.push_back(n);
    if (order != names) {
      std::string got;
      for (const auto& n : order) got += n + " ";
      err.push_back(where + ": fields are [" + got + "]");
      return false;
    }
    for (const auto& [n, t] : want)
      if (!t.empty()) type_is(v.at(n), t, where + "." + n);
    return true;
  };
  auto peer_list = [&](const Json& v, bool dst, const std::string& where) {
    if (v.is_null()) return;
    if (!fields(v, {{"exact", "bool"}, {"max_error", "uint"}, {"counted", "uint"}, {"peers", "array"}}, where)) return;
    for (std::size_t i = 0; i < v.at("peers").size(); ++i) {
      const std::string w = where + ".peers[" + std::to_string(i) + "]";
      const Json& p = v.at("peers").at(i);
      if (dst)
        fields(p, {{"address", "string"}, {"family", "string"}, {"port", "uint"}, {"endpoint", "string"},
                   {"count", "uint"}, {"error", "uint"}}, w);
      else
        fields(p, {{"address", "string"}, {"family", "string"}, {"count", "uint"}, {"error", "uint"}}, w);
      if (p.is_object() && p.contains("family") && p.at("family") != "ipv4" && p.at("family") != "ipv6")
        err.push_back(w + ".family: not ipv4/ipv6");
    }
  };
  if (!fields(d, {{"version", "uint"}, {"mode", "string"}, {"namespace", ""}, {"source", "string"}, {"limited", ""},
                  {"table", "object"}, {"census", ""},
                  {"interval_seconds", "number?"}, {"counters", "object"}, {"top", ""}, {"tuning", "object"},
                  {"sizing", ""}, {"findings", "array"}},
              "$"))
    return err;
  if (d.at("version").is_number_unsigned() && d.at("version") != 3) err.push_back("$.version: not 3");
  if (d.at("source") != "netlink" && d.at("source") != "proc") err.push_back("$.source: not netlink/proc");
  if (!d.at("limited").is_null() && !d.at("limited").is_string()) err.push_back("$.limited: expected string or null");
  if (d.at("mode") != "table") err.push_back("$.mode: not table");
  sizing_errors(d.at("sizing"), type_is, fields, err);
  if (!d.at("namespace").is_null()) fields(d.at("namespace"), {{"name", "string"}, {"path", "string"}}, "$.namespace");
  fields(d.at("table"), {{"entries", "uint?"}, {"max", "uint?"}, {"fill_percent", "number?"}, {"buckets", "uint?"},
                      {"peak", "uint?"}},
         "$.table");
  if (!d.at("census").is_null() &&
      fields(d.at("census"), {{"entries", "uint"}, {"seconds", "number"}, {"tcp_states", "object"}, {"protocols", "object"},
                           {"assured", "object"}, {"unreplied", "object"}},
             "$.census")) {
    std::vector<std::pair<std::string, std::string>> states, protos;
    for (const char* s : {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
                          "TIME_WAIT", "CLOSE", "SYN_SENT2"})
      states.emplace_back(s, "uint");
    for (const char* p : {"tcp", "udp", "icmp", "icmpv6", "sctp", "dccp", "gre", "udplite", "other"})
      protos.emplace_back(p, "uint");
    fields(d.at("census").at("tcp_states"), states, "$.census.tcp_states");
    fields(d.at("census").at("protocols"), protos, "$.census.protocols");
    fields(d.at("census").at("assured"), protos, "$.census.assured");
    fields(d.at("census").at("unreplied"), protos, "$.census.unreplied");
  }
  std::vector<std::pair<std::string, std::string>> counters;
  for (const char* c : {"drop", "early_drop", "insert_failed", "invalid", "error", "chaintoolong", "found", "insert",
                        "search_restart", "clash_resolve"})
    counters.emplace_back(c, "object");
  if (fields(d.at("counters"), counters, "$.counters"))
    for (const auto& [c, t] : counters)
      fields(d.at("counters").at(c), {{"total", "uint?"}, {"delta", "uint?"}, {"per_second", "number?"}}, "$.counters." + c);
  if (!d.at("top").is_null() &&
      fields(d.at("top"), {{"n", "uint"}, {"capacity", "uint"}, {"sources", ""}, {"destinations", ""},
                        {"time_wait_sources", ""}, {"time_wait_destinations", ""},
                        {"unreplied_sources", ""}, {"unreplied_destinations", ""}},
             "$.top")) {
    peer_list(d.at("top").at("sources"), false, "$.top.sources");
    peer_list(d.at("top").at("destinations"), true, "$.top.destinations");
    peer_list(d.at("top").at("time_wait_sources"), false, "$.top.time_wait_sources");
    peer_list(d.at("top").at("time_wait_destinations"), true, "$.top.time_wait_destinations");
    peer_list(d.at("top").at("unreplied_sources"), false, "$.top.unreplied_sources");
    peer_list(d.at("top").at("unreplied_destinations"), true, "$.top.unreplied_destinations");
  }
  fields(d.at("tuning"), {{"nf_conntrack_max", "uint?"}, {"nf_conntrack_buckets", "uint?"},
                       {"nf_conntrack_tcp_timeout_time_wait", "uint?"}, {"nf_conntrack_tcp_timeout_established", "uint?"},
                       {"nf_conntrack_udp_timeout", "uint?"}, {"nf_conntrack_udp_timeout_stream", "uint?"},
                       {"tcp_tw_reuse", "uint?"}},
         "$.tuning");
  for (std::size_t i = 0; i < d.at("findings").size(); ++i) {
    const std::string w = "$.findings[" + std::to_string(i) + "]";
    const Json& f = d.at("findings").at(i);
    if (fields(f, {{"id", "string"}, {"severity", "string"}, {"message", "string"}}, w)) {
      const auto s = f.at("severity").is_string() ? f.at("severity").get<std::string>() : std::string();
      if (s != "critical" && s != "warning" && s != "info") err.push_back(w + ".severity: " + s);
    }
  }
  return err;
}

}  // namespace ctwatch::test
