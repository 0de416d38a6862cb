// SPDX-License-Identifier: GPL-2.0-only
#include "core/sizing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ctwatch::core {

std::optional<Sizing> recommend(const SizingInputs& in) {
  if (!in.peak_entries && !in.insert_rate) return std::nullopt;
  Sizing s;
  s.hold_seconds = in.hold_seconds.value_or(kDefaultHoldSeconds);
  s.from_peak = in.peak_entries;
  if (in.insert_rate && *in.insert_rate >= 0)
    s.from_rate = static_cast<std::uint64_t>(std::ceil(*in.insert_rate * s.hold_seconds));
  s.need = std::max(s.from_peak.value_or(0), s.from_rate.value_or(0));
  const double want = std::ceil(static_cast<double>(s.need) * s.headroom);
  const auto w = static_cast<std::uint64_t>(want);
  s.max = std::max<std::uint64_t>(kMaxGranule, (w + kMaxGranule - 1) / kMaxGranule * kMaxGranule);
  s.buckets = s.max;
  // Never below what is configured: a table larger than the need stays (a
  // margin someone chose, or the kernel's default), so a pasted --sysctl
  // snippet can only grow it. Buckets are host-wide, so one namespace's
  // need must not shrink them either.
  if (in.current_max) s.max = std::max(s.max, *in.current_max);
  s.buckets = std::max(s.max, in.current_buckets.value_or(0));
  if (in.entry_bytes && *in.entry_bytes > 0) {
    s.entry_bytes = *in.entry_bytes;
    s.entry_bytes_assumed = false;
  }
  s.entries_memory = s.max * s.entry_bytes;
  s.buckets_memory = s.buckets * kBucketBytes;
  s.current_max = in.current_max;
  s.current_buckets = in.current_buckets;
  s.max_too_small = in.current_max && static_cast<double>(s.need) * s.headroom > static_cast<double>(*in.current_max);
  return s;
}

std::string format_bytes(std::uint64_t b) {
  char buf[64];
  const double v = static_cast<double>(b);
  if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", v / (1ull << 30));
  else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", v / (1ull << 20));
  else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", v / 1024);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

std::string sysctl_snippet(const Sizing& s) {
  std::ostringstream o;
  o << "# /etc/sysctl.d/90-conntrack.conf -- written by ctwatch --sysctl\n"
    << "# need " << s.need << " entries";
  if (s.from_peak) o << " (observed peak " << *s.from_peak << ")";
  if (s.from_rate) o << " (" << *s.from_rate << " = rate x " << s.hold_seconds << " s)";
  o << ", x" << s.headroom << " headroom\n"
    << "# full table: " << format_bytes(s.entries_memory) << " of entries (" << s.entry_bytes << " B each"
    << (s.entry_bytes_assumed ? ", assumed" : "") << ") + " << format_bytes(s.buckets_memory) << " of buckets\n"
    << "# nf_conntrack_buckets can be written only from the initial network namespace, and on\n"
    << "# older kernels not at all: then use /sys/module/nf_conntrack/parameters/hashsize or the\n"
    << "# module option (options nf_conntrack hashsize=" << s.buckets << ")\n"
    << "net.netfilter.nf_conntrack_max = " << s.max << "\n"
    << "net.netfilter.nf_conntrack_buckets = " << s.buckets << "\n";
  return o.str();
}

std::optional<std::uint64_t> slabinfo_object_size(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    std::istringstream ls(line);
    std::string name;
    unsigned long long active = 0, num = 0, objsize = 0;
    if (!(ls >> name) || name != "nf_conntrack") continue;
    if (ls >> active >> num >> objsize && objsize > 0) return objsize;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace ctwatch::core
