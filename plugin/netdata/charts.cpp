// SPDX-License-Identifier: GPL-2.0-only
#include "netdata/charts.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/census.hpp"
#include "core/peers.hpp"
#include "core/stats.hpp"

namespace ctwatch::netdata {
namespace {

// Netdata's plugins.d parser splits words on spaces and honours single and
// double quotes (plugins_d.c, pluginsd_split_words); none of our strings
// holds a quote, but a label could in theory hold anything we did not
// validate, so quotes are dropped rather than trusted.
std::string quote(std::string_view s) {
  std::string q = "'";
  for (char c : s)
    if (c != '\'' && c != '"' && c != '\n') q += c;
  return q + "'";
}

std::string sanitize(std::string_view s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  return out;
}

std::int64_t scaled(double v, double factor) {
  const double x = v * factor;
  if (!std::isfinite(x)) return std::int64_t{0};
  return static_cast<std::int64_t>(std::llround(std::clamp(x, -9.0e18, 9.0e18)));
}

std::int64_t ms_capped(double seconds) {
  return scaled(std::min(seconds, kNotGrowingSeconds), 1000.0);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string fmt_var(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

ChartWriter::ChartWriter(ChartOptions opt) : opt_(opt) {
  opt_.top_peers = std::min(opt_.top_peers, kMaxChartedPeers);
  if (opt_.update_every < 1) opt_.update_every = 1;
}

std::string ChartWriter::chart_type(std::string_view label) { return "ctwatch_" + sanitize(label); }

void ChartWriter::emit(const std::string& type, const std::string& family,
                       std::map<std::string, ChartState>& charts, Frame& f, std::string& out) const {
  auto [it, fresh] = charts.try_emplace(f.id);
  ChartState& cs = it->second;
  std::vector<const Dim*> added;
  auto note = [&](const Dim& d) {
    if (std::find(cs.dims.begin(), cs.dims.end(), d.id) == cs.dims.end()) {
      cs.dims.push_back(d.id);
      added.push_back(&d);
    }
  };
  for (const auto& v : f.values) note(v.dim);
  for (const auto& d : f.dims_only) note(d);
  if (fresh) {
    cs.header = "CHART " + type + "." + f.id + " '' " + quote(f.title) + " " +
                quote(f.units) + " " + quote(family) + " " + quote("ctwatch." + f.id) + " " + f.chart_type +
                " " + std::to_string(kPriorityBase + f.order) + " " + std::to_string(opt_.update_every);
  }
  if (fresh || !added.empty() || !f.obsolete_dims.empty()) {
    out += cs.header + " '' 'ctwatch.plugin' " + quote(family) + "\n";
    if (fresh && type != "ctwatch") {
      out += "CLABEL 'ctwatch_namespace' " + quote(family) + " 1\nCLABEL_COMMIT\n";
    }
    for (const Dim* d : added) {
      out += "DIMENSION " + quote(d->id) + " " + quote(d->name) + " " +
             (d->algo == Algo::Incremental ? "incremental" : "absolute") + " 1 " + std::to_string(d->divisor) +
             " ''\n";
    }
    for (const auto& id : f.obsolete_dims) {
      out += "DIMENSION " + quote(id) + " '' absolute 1 1 'obsolete'\n";
      cs.dims.erase(std::remove(cs.dims.begin(), cs.dims.end(), id), cs.dims.end());
    }
  }
  out += "BEGIN " + type + "." + f.id + "\n";
  for (const auto& v : f.values) out += "SET " + quote(v.dim.id) + " = " + std::to_string(v.v) + "\n";
  for (const auto& [name, val] : f.vars) out += "VARIABLE CHART " + name + " = " + fmt_var(val) + "\n";
  out += "END\n";
}

void ChartWriter::peer_frame(NsState& ns, int which, const std::vector<core::PeerCount>* top, bool endpoint,
                             const std::string& id, const std::string& title, int order,
                             std::vector<Frame>& frames) {
  auto& slots = ns.peers[which];
  Frame f{id, title, "entries", "line", order, {}, {}, {}, {}};
  if (top) {
    const std::size_t cap = 2 * opt_.top_peers;
    std::set<std::string> now;
    for (const auto& p : *top) now.insert(endpoint ? core::format_endpoint(p.key) : core::format_address(p.key));
    for (std::size_t rank = 0; rank < top->size() && rank < opt_.top_peers; ++rank) {
      const auto& p = (*top)[rank];
      const std::string name = endpoint ? core::format_endpoint(p.key) : core::format_address(p.key);
      auto slot = std::find_if(slots.begin(), slots.end(), [&](const PeerSlot& s) { return s.name == name; });
      if (slot == slots.end()) {
        std::string pid = sanitize(name);
        while (std::any_of(slots.begin(), slots.end(), [&](const PeerSlot& s) { return s.id == pid; }))
          pid += "_";
        if (slots.size() >= cap) {
          // Evict the peer unseen for longest (never one in this census:
          // the top list holds at most half the slots).
          auto victim = std::min_element(slots.begin(), slots.end(), [&](const PeerSlot& a, const PeerSlot& b) {
            const bool an = now.count(a.name) != 0, bn = now.count(b.name) != 0;
            if (an != bn) return bn;
            return a.last_seen < b.last_seen;
          });
          f.obsolete_dims.push_back(victim->id);
          slots.erase(victim);
        }
        slots.push_back(PeerSlot{name, pid, 0});
        slot = slots.end() - 1;
      }
      slot->last_seen = updates_;
      f.values.push_back(Value{Dim{slot->id, name, Algo::Absolute, 1}, static_cast<std::int64_t>(p.count)});
    }
  }
  if (!f.values.empty() || !f.obsolete_dims.empty()) frames.push_back(std::move(f));
}

void ChartWriter::namespace_frames(const std::string& label, const core::Snapshot& s, NsState& ns,
                                   std::vector<Frame>& frames) {
  (void)label;
  const auto abs = [](std::string id, long div = 1) { return Dim{id, id, Algo::Absolute, div}; };
  const auto inc = [](std::string id) { return Dim{id, id, Algo::Incremental, 1}; };
  std::optional<double> fill;
  if (s.entries && s.max_entries && *s.max_entries > 0)
    fill = 100.0 * static_cast<double>(*s.entries) / static_cast<double>(*s.max_entries);

  Frame entries{"entries", "Conntrack entries", "entries", "line", 0, {}, {}, {}, {}};
  if (s.entries) entries.values.push_back({abs("entries"), static_cast<std::int64_t>(*s.entries)});
  else entries.dims_only.push_back(abs("entries"));
  if (s.max_entries) entries.values.push_back({abs("max"), static_cast<std::int64_t>(*s.max_entries)});
  else entries.dims_only.push_back(abs("max"));
  if (s.peak_entries) entries.values.push_back({abs("peak"), static_cast<std::int64_t>(*s.peak_entries)});
  else entries.dims_only.push_back(abs("peak"));
  frames.push_back(std::move(entries));

  Frame fillf{"fill", "Conntrack table fill", "%", "line", 10, {}, {}, {}, {}};
  if (fill) fillf.values.push_back({abs("used", 1000), scaled(*fill, 1000)});
  else fillf.dims_only.push_back(abs("used", 1000));
  if (s.peak_entries && s.max_entries && *s.max_entries > 0)
    fillf.values.push_back({abs("peak", 1000), scaled(100.0 * static_cast<double>(*s.peak_entries) /
                                                          static_cast<double>(*s.max_entries), 1000)});
  else fillf.dims_only.push_back(abs("peak", 1000));
  frames.push_back(std::move(fillf));

  Frame ttf{"time_to_full", "Time until the conntrack table is full at the current growth", "seconds", "line",
            20, {}, {}, {}, {}};
  if (s.seconds_to_full) ttf.values.push_back({abs("time_to_full", 1000), ms_capped(*s.seconds_to_full)});
  else ttf.dims_only.push_back(abs("time_to_full", 1000));
  if (fill) ttf.vars.emplace_back("fill", *fill);
  frames.push_back(std::move(ttf));

  if (s.census) ns.census = s.census;
  if (ns.census) {
    const core::Census& c = ns.census->census;
    Frame st{"tcp_states", "Conntrack TCP entries by state (census)", "entries", "stacked", 30, {}, {}, {}, {}};
    for (std::size_t i = 0; i < core::kTcpStateCount; ++i)
      st.values.push_back({abs(lower(core::tcp_state_name(i))), static_cast<std::int64_t>(c.tcp_states[i])});
    if (fill) st.vars.emplace_back("fill", *fill);
    if (s.entries) st.vars.emplace_back("conntrack_entries", static_cast<double>(*s.entries));
    frames.push_back(std::move(st));

    Frame pr{"protocols", "Conntrack entries by L4 protocol (census)", "entries", "stacked", 40, {}, {}, {}, {}};
    for (std::size_t i = 0; i < core::kL4Count; ++i)
      pr.values.push_back({abs(std::string(core::l4_name(static_cast<core::L4>(i)))),
                           static_cast<std::int64_t>(c.protocols[i])});
    frames.push_back(std::move(pr));

    Frame su{"status", "Conntrack entries assured and unreplied (census)", "entries", "line", 50, {}, {}, {}, {}};
    for (std::size_t i = 0; i < core::kL4Count; ++i) {
      const std::string n(core::l4_name(static_cast<core::L4>(i)));
      su.values.push_back({abs(n + "_assured"), static_cast<std::int64_t>(c.assured[i])});
      su.values.push_back({abs(n + "_unreplied"), static_cast<std::int64_t>(c.unreplied[i])});
    }
    frames.push_back(std::move(su));
  }

  Frame drops{"drops", "Conntrack errors (kernel counters)", "events/s", "line", 60, {}, {}, {}, {}};
  Frame ops{"operations", "Conntrack operations (kernel counters)", "events/s", "line", 70, {}, {}, {}, {}};
  for (std::size_t i = 0; i < core::kCounterCount; ++i) {
    if (!s.counters[i]) continue;
    const auto c = static_cast<core::Counter>(i);
    (core::counter_is_error(c) ? drops : ops)
        .values.push_back({inc(std::string(core::counter_name(c))), static_cast<std::int64_t>(*s.counters[i])});
  }
  if (!drops.values.empty()) frames.push_back(std::move(drops));
  if (!ops.values.empty()) frames.push_back(std::move(ops));

  static constexpr std::string_view kTunables[core::kTunableCount] = {
      "buckets", "tcp_timeout_time_wait", "tcp_timeout_established", "udp_timeout", "udp_timeout_stream",
      "tcp_tw_reuse"};
  Frame sys{"sysctls", "Conntrack sizing and timeout sysctls", "value", "line", 80, {}, {}, {}, {}};
  if (s.max_entries) sys.values.push_back({abs("nf_conntrack_max"), static_cast<std::int64_t>(*s.max_entries)});
  for (std::size_t i = 0; i < core::kTunableCount; ++i)
    if (s.tunables[i]) sys.values.push_back({abs(std::string(kTunables[i])), static_cast<std::int64_t>(*s.tunables[i])});
  if (fill) sys.vars.emplace_back("fill", *fill);
  if (!sys.values.empty()) frames.push_back(std::move(sys));

  if (opt_.top_peers > 0 && ns.census) {
    const auto& tp = ns.census->census.top_peers;
    peer_frame(ns, 0, tp ? &tp->sources.top : nullptr, false, "top_sources", "Top sources by conntrack entries (census)", 90, frames);
    peer_frame(ns, 1, tp ? &tp->destinations.top : nullptr, true, "top_destinations",
               "Top destinations by conntrack entries (census)", 100, frames);
    peer_frame(ns, 2, tp && tp->unreplied_sources ? &tp->unreplied_sources->top : nullptr, false,
               "unreplied_sources", "Top sources of unreplied entries (census)", 110, frames);
    peer_frame(ns, 3, tp && tp->unreplied_destinations ? &tp->unreplied_destinations->top : nullptr, true,
               "unreplied_destinations", "Top destinations of unreplied entries (census)", 120, frames);
  }

  Frame src{"source", "ctwatch source (1 ctnetlink, 0 the /proc fallback: no census)", "boolean", "line", 200,
            {}, {}, {}, {}};
  src.values.push_back({abs("netlink"), s.source == core::Source::Netlink ? 1 : 0});
  frames.push_back(std::move(src));
  Frame rf{"read_failures", "ctwatch failed reads", "failures/s", "line", 210, {}, {}, {}, {}};
  rf.values.push_back({inc("failures"), static_cast<std::int64_t>(s.read_failures)});
  frames.push_back(std::move(rf));
  if (s.census_age) {
    Frame age{"census_age", "Age of the census shown", "seconds", "line", 220, {}, {}, {}, {}};
    age.values.push_back({abs("age", 1000), ms_capped(*s.census_age)});
    frames.push_back(std::move(age));
  }
  if (ns.census) {
    Frame dur{"census_duration", "Duration of the last census", "ms", "line", 230, {}, {}, {}, {}};
    dur.values.push_back({abs("duration", 1000), scaled(ns.census->wall_seconds, 1e6)});
    frames.push_back(std::move(dur));
  }
}

void ChartWriter::obsolete_all(const std::string& family, NsState& ns, std::string& out) const {
  for (const auto& [id, cs] : ns.charts) out += cs.header + " 'obsolete' 'ctwatch.plugin' " + quote(family) + "\n";
}

void ChartWriter::update(const std::vector<std::pair<std::string, core::Snapshot>>& reports,
                         const core::PluginHealth& health, std::string& out) {
  ++updates_;
  std::set<std::string> seen;
  for (const auto& [label, snap] : reports) {
    seen.insert(label);
    NsState& ns = ns_[label];
    ns.absent = 0;
    std::vector<Frame> frames;
    namespace_frames(label, snap, ns, frames);
    const std::string type = chart_type(label);
    for (auto& f : frames) emit(type, label, ns.charts, f, out);
  }
  for (auto it = ns_.begin(); it != ns_.end();) {
    if (seen.count(it->first) == 0 && ++it->second.absent >= kForgetAfter) {
      obsolete_all(it->first, it->second, out);
      it = ns_.erase(it);
    } else {
      ++it;
    }
  }

  Frame nsf{"plugin_namespaces", "ctwatch namespaces", "namespaces", "line", 300, {}, {}, {}, {}};
  nsf.values.push_back({Dim{"sampled", "sampled", Algo::Absolute, 1}, static_cast<std::int64_t>(health.namespaces_sampled)});
  nsf.values.push_back({Dim{"unsampled", "unsampled", Algo::Absolute, 1}, static_cast<std::int64_t>(health.namespaces_unsampled)});
  emit("ctwatch", "plugin", plugin_charts_, nsf, out);
  Frame cd{"plugin_censuses", "ctwatch censuses postponed by CensusBudget", "censuses/s", "line", 310, {}, {}, {}, {}};
  cd.values.push_back({Dim{"deferred", "deferred", Algo::Incremental, 1}, static_cast<std::int64_t>(health.censuses_deferred)});
  emit("ctwatch", "plugin", plugin_charts_, cd, out);
}

}  // namespace ctwatch::netdata
