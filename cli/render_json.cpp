// SPDX-License-Identifier: GPL-2.0-only
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "cli/explain.hpp"
#include "cli/render.hpp"

namespace ctwatch::cli {
namespace {

using core::Counter;
using core::Tunable;

using Json = nlohmann::ordered_json;  // keys in the documented order

template <class T>
Json opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json json_list(const core::PeerList& l, bool endpoint) {
  Json peers = Json::array();
  for (const auto& p : l.top) {
    Json j;
    j["address"] = core::format_address(p.key);
    j["family"] = p.key.family == AF_INET6 ? "ipv6" : "ipv4";
    if (endpoint) {
      j["port"] = p.key.port;
      j["endpoint"] = core::format_endpoint(p.key);
    }
    j["count"] = p.count;
    j["error"] = p.error;
    peers.push_back(std::move(j));
  }
  Json j;
  j["exact"] = l.exact;
  j["max_error"] = l.max_error;
  j["counted"] = l.counted;
  j["peers"] = std::move(peers);
  return j;
}

Json json_list(const std::optional<core::PeerList>& l, bool endpoint) {
  return l ? json_list(*l, endpoint) : Json(nullptr);
}

Json json_sizing(const std::optional<core::Sizing>& sz, const Report& r) {
  if (!sz) return nullptr;
  Json j;
  j["need"] = sz->need;
  j["from_peak"] = opt(sz->from_peak);
  j["from_rate"] = opt(sz->from_rate);
  j["hold_seconds"] = sz->hold_seconds;
  j["headroom"] = sz->headroom;
  j["nf_conntrack_max"] = sz->max;
  j["nf_conntrack_buckets"] = sz->buckets;
  j["entry_bytes"] = sz->entry_bytes;
  j["entry_bytes_source"] = sz->entry_bytes_assumed ? Json(nullptr) : Json(r.entry_bytes_source);
  j["entries_memory_bytes"] = sz->entries_memory;
  j["buckets_memory_bytes"] = sz->buckets_memory;
  j["current_max"] = opt(sz->current_max);
  j["current_buckets"] = opt(sz->current_buckets);
  j["max_too_small"] = sz->max_too_small;
  if (const auto fit = memory_fit(r)) {
    Json m;
    m["mem_total_bytes"] = fit->mem_total;
    m["table_bytes"] = fit->table_bytes;
    m["share"] = fit->share;
    m["verdict"] = std::string(core::memory_verdict_name(fit->verdict));
    m["fitting_max"] = fit->fitting_entries;
    m["fitting_rate_per_second"] = opt(fit->fitting_rate);
    j["memory"] = std::move(m);
  } else {
    j["memory"] = nullptr;
  }
  return j;
}

}  // namespace

std::string render_json(const Report& r, const std::vector<Finding>& fs) {
  const core::Snapshot& s = r.snapshot;
  Json j;
  j["version"] = kJsonVersion;
  j["mode"] = r.plan_rate ? "plan" : "table";
  if (r.plan_rate) {
    j["rate_per_second"] = *r.plan_rate;
    j["sizing"] = json_sizing(sizing(r), r);
    return j.dump(2) + "\n";
  }
  j["namespace"] = r.netns.empty() ? Json(nullptr) : Json{{"name", r.netns}, {"path", r.netns_path}};
  j["source"] = s.source == core::Source::Proc ? "proc" : "netlink";
  j["limited"] = r.netlink_refused ? Json(limited_explanation(*r.netlink_refused)) : Json(nullptr);
  Json table;
  table["entries"] = opt(s.entries);
  table["max"] = opt(s.max_entries);
  table["fill_percent"] = opt(fill_percent(s));
  table["buckets"] = opt(s.tunable(Tunable::Buckets));
  table["peak"] = opt(r.peak_entries);
  j["table"] = std::move(table);

  if (r.census) {
    const core::Census& c = *r.census;
    Json cj;
    cj["entries"] = c.entries;
    cj["seconds"] = r.census_seconds;
    Json states, protos, assured, unrep;
    for (std::size_t i = 0; i < core::kTcpStateCount; ++i)
      states[std::string(core::tcp_state_name(i))] = c.tcp_states[i];
    for (std::size_t i = 0; i < core::kL4Count; ++i) {
      const std::string name(core::l4_name(static_cast<core::L4>(i)));
      protos[name] = c.protocols[i];
      assured[name] = c.assured[i];
      unrep[name] = c.unreplied[i];
    }
    cj["tcp_states"] = std::move(states);
    cj["protocols"] = std::move(protos);
    cj["assured"] = std::move(assured);
    cj["unreplied"] = std::move(unrep);
    j["census"] = std::move(cj);
  } else {
    j["census"] = nullptr;
  }

  j["interval_seconds"] = r.first_counters ? Json(r.interval_seconds) : Json(nullptr);
  Json counters;
  for (const Counter c : kCounterOrder) {
    const auto d = delta(r, c);
    Json cj;
    cj["total"] = opt(counter(s.counters, c));
    cj["delta"] = opt(d);
    cj["per_second"] = d && r.interval_seconds > 0 ? Json(static_cast<double>(*d) / r.interval_seconds) : Json(nullptr);
    counters[std::string(core::counter_name(c))] = std::move(cj);
  }
  j["counters"] = std::move(counters);

  if (r.top > 0 && r.census && r.census->top_peers) {
    const core::TopPeers& tp = *r.census->top_peers;
    Json t;
    t["n"] = tp.n;
    t["capacity"] = tp.capacity;
    t["sources"] = json_list(tp.sources, false);
    t["destinations"] = json_list(tp.destinations, true);
    t["time_wait_sources"] = json_list(tp.time_wait_sources, false);
    t["time_wait_destinations"] = json_list(tp.time_wait_destinations, true);
    t["unreplied_sources"] = json_list(tp.unreplied_sources, false);
    t["unreplied_destinations"] = json_list(tp.unreplied_destinations, true);
    j["top"] = std::move(t);
  } else {
    j["top"] = nullptr;
  }

  Json tuning;
  tuning["nf_conntrack_max"] = opt(s.max_entries);
  for (const auto& t : kTunables) tuning[t.name] = opt(s.tunable(t.t));
  j["tuning"] = std::move(tuning);
  j["sizing"] = json_sizing(sizing(r), r);

  Json f = Json::array();
  for (const auto& x : fs)
    f.push_back(Json{{"id", x.id}, {"severity", std::string(severity_name(x.severity))}, {"message", x.message}});
  j["findings"] = std::move(f);
  return j.dump(2) + "\n";
}

}  // namespace ctwatch::cli
