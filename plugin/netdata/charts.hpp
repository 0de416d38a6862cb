// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// Snapshot -> Netdata's plugins.d protocol (CHART, DIMENSION, CLABEL, BEGIN,
// SET, VARIABLE, END). Pure: it writes text into a string and keeps only the
// state the protocol needs (which charts and dimensions Netdata already
// knows, the last census, the top-peer dimension slots), so the whole
// mapping is unit-tested on golden output (tests/unit/netdata).
//
// Charts. Each namespace <label> gets the chart type "ctwatch_<label>" ('.'
// and '-' become '_'; the label itself is the chart label
// `ctwatch_namespace` and the family), contexts "ctwatch.<id>":
//   entries        entries, max, peak                      entries
//   fill           used, peak  (of max)                    %        x1000 on the wire, divisor 1000
//   time_to_full   time_to_full                            seconds  ms on the wire, divisor 1000
//   tcp_states     one per TCP state (census)              entries
//   protocols      one per L4 protocol (census)            entries
//   status         <proto>_assured, <proto>_unreplied      entries
//   drops          the error counters, incremental         events/s (absent counters: no dimension)
//   operations     the other counters, incremental         events/s
//   sysctls        nf_conntrack_max, buckets, timeouts, tcp_tw_reuse  value
//   top_sources, top_destinations, unreplied_sources, unreplied_destinations
//                  one dimension per peer (census, TopPeers > 0)  entries
//   source         netlink (1 ctnetlink, 0 the /proc fallback)
//   read_failures  failures, incremental                   failures/s
//   census_age     age (only where a census is expected)   seconds  ms on the wire, divisor 1000
//   census_duration  duration                              ms       us on the wire, divisor 1000
// and once per plugin, type "ctwatch":
//   plugin_namespaces  sampled, unsampled
//   plugin_censuses    deferred, incremental               censuses/s
//
// Values. SET takes integers: ratios go out in milli-percent (divisor
// 1000), seconds in milliseconds (divisor 1000), so Netdata stores the same
// unit the chart names with three decimals. +infinity (not growing; no
// census ever succeeded) goes out as kNotGrowingSeconds, which no `< N`
// threshold mistakes for soon. An absent value is not SET at all (a gap),
// never 0; a counter the kernel lacks never becomes a dimension.
//
// The census runs every CensusInterval, not every update: its last values
// are repeated at each update (Prometheus' last_over_time) and census_age
// says how old they are.
//
// Top peers: at most 2 x min(TopPeers, kMaxChartedPeers) dimensions per
// chart. A peer that enters the top list takes a free slot or the slot of
// the peer unseen for longest, whose dimension is sent as obsolete so
// Netdata frees it. Peers not in the latest census are not SET (a gap).
//
// Chart variables for the health alarms (health.d/ctwatch.conf), set inside
// BEGIN/END: `fill` (entries / max in %) on time_to_full, tcp_states and
// sysctls; `conntrack_entries` on tcp_states.
//
// A namespace absent from kForgetAfter updates in a row (deleted, or no
// longer openable) gets its charts sent as obsolete and is forgotten, so
// churning namespaces do not grow Netdata's memory or ours.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.hpp"
#include "core/snapshot.hpp"

namespace ctwatch::netdata {

inline constexpr double kNotGrowingSeconds = 604800;  // one week
inline constexpr std::size_t kMaxChartedPeers = 20;
inline constexpr unsigned kForgetAfter = 10;
inline constexpr int kPriorityBase = 91000;

struct ChartOptions {
  int update_every = 1;       // seconds, argv[1]
  std::size_t top_peers = 5;  // Config::top_peers
};

class ChartWriter {
 public:
  explicit ChartWriter(ChartOptions opt);

  // One update: `reports` as Monitor::read() returned them (label, snapshot)
  // and the plugin's health. Appends the protocol text to `out`.
  void update(const std::vector<std::pair<std::string, core::Snapshot>>& reports,
              const core::PluginHealth& health, std::string& out);

  // "ctwatch_" + the label with every character but [A-Za-z0-9_] as '_'.
  static std::string chart_type(std::string_view label);

 private:
  enum class Algo : std::uint8_t { Absolute, Incremental };
  struct Dim {
    std::string id, name;
    Algo algo = Algo::Absolute;
    long divisor = 1;
  };
  struct Value {
    Dim dim;
    std::int64_t v;
  };
  struct Frame {
    std::string id, title, units, chart_type = "line";
    int order = 0;
    std::vector<Value> values;
    std::vector<Dim> dims_only;   // defined but not SET this time
    std::vector<std::pair<std::string, double>> vars;
    std::vector<std::string> obsolete_dims;
  };
  struct ChartState {
    std::string header;             // CHART line without its options field
    std::vector<std::string> dims;  // ids Netdata knows
  };
  struct PeerSlot {
    std::string name, id;
    std::uint64_t last_seen = 0;
  };
  struct NsState {
    std::map<std::string, ChartState> charts;
    std::optional<core::CensusSample> census;
    std::vector<PeerSlot> peers[4];
    unsigned absent = 0;
  };

  void namespace_frames(const std::string& label, const core::Snapshot& s, NsState& ns,
                        std::vector<Frame>& frames);
  void peer_frame(NsState& ns, int which, const std::vector<core::PeerCount>* top, bool ipv_endpoint,
                  const std::string& id, const std::string& title, int order, std::vector<Frame>& frames);
  void emit(const std::string& type, const std::string& family, std::map<std::string, ChartState>& charts,
            Frame& f, std::string& out) const;
  void obsolete_all(const std::string& family, NsState& ns, std::string& out) const;

  ChartOptions opt_;
  std::map<std::string, NsState> ns_;
  std::map<std::string, ChartState> plugin_charts_;
  std::uint64_t updates_ = 0;
};

}  // namespace ctwatch::netdata
