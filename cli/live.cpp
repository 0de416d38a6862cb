// SPDX-License-Identifier: GPL-2.0-only
#include "cli/live.hpp"

#include <fstream>
#include <sstream>

#include "cli/explain.hpp"
#include "core/memory_fit.hpp"
#include "core/sizing.hpp"

namespace ctwatch::cli {
namespace {

std::string read_text(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

core::Result<Live> open_live(const Options& o, double timeout) {
  source::SamplerOptions so;
  so.mode = core::SourceMode::Auto;  // /proc when ctnetlink refuses; the output says so
  so.timeout = timeout;
  auto opened = source::NamespaceSampler::open(o.netns.empty() ? "self" : o.netns, o.netns_path, so);
  if (!opened) return core::Error{opened.error().code, explain(opened.error(), Stage::Open, o.netns_path)};
  Live live;
  live.sampler = std::move(*opened);
  if (live.sampler->source() == core::Source::Proc)  // refused already when opening the socket
    live.refused = core::Error{EPROTONOSUPPORT, "cannot open a NETLINK_NETFILTER socket"};
  live.first = live.sampler->sample();
  if (live.first.fell_back) {
    // This sample's error is ctnetlink's refusal; sample again from /proc
    // (a failure there is reported as such).
    live.refused = live.first.error;
    live.first = live.sampler->sample();
  }
  if (live.first.error && !(live.refused && live.first.snapshot.entries))
    return core::Error{live.first.error->code, explain(*live.first.error, Stage::Stats, o.netns_path)};
  // On /proc an unreadable stat file leaves the counters absent, not zero.
  live.first.error.reset();
  return live;
}

void read_entry_bytes(Report& rep) {
  // The memory one conntrack entry really takes: the nf_conntrack slab's
  // object (slab_size includes alignment and metadata; object_size without),
  // else /proc/slabinfo (root only). The cache may be merged with another of
  // the same size (SLUB), which leaves the sizes right.
  for (const char* f : {"/sys/kernel/slab/nf_conntrack/slab_size", "/sys/kernel/slab/nf_conntrack/object_size"}) {
    std::ifstream in(f);
    std::uint64_t v = 0;
    if (in >> v && v > 0) {
      rep.entry_bytes = v;
      rep.entry_bytes_source = f;
      return;
    }
  }
  if (const auto v = core::slabinfo_object_size(read_text("/proc/slabinfo"))) {
    rep.entry_bytes = *v;
    rep.entry_bytes_source = "/proc/slabinfo";
  }
}

std::optional<std::uint64_t> read_mem_total() { return core::parse_meminfo_total(read_text("/proc/meminfo")); }

}  // namespace ctwatch::cli
