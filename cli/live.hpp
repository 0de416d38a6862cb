// SPDX-License-Identifier: GPL-2.0-only
#pragma once
// What the report and --watch both read from the system: the namespace's
// sampler and its first sample, and the machine facts the sizing uses.
//
// Netlink is preferred; when ctnetlink refuses (EPERM without CAP_NET_ADMIN,
// or the module missing) the plugin's own /proc fallback takes over
// (source::NamespaceSampler, SourceMode::Auto) and `refused` says why, so the
// output can say which parts are missing. Any other failure is an error.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "cli/report.hpp"
#include "core/result.hpp"
#include "source/sampler.hpp"

namespace ctwatch::cli {

struct Live {
  std::unique_ptr<source::NamespaceSampler> sampler;
  source::SampleResult first;               // without error
  std::optional<core::Error> refused;       // ctnetlink's refusal: values from /proc
};

// Error: its message is explain()ed, ready for stderr.
core::Result<Live> open_live(const Options& o, double timeout);

// The nf_conntrack slab object size into rep.entry_bytes(_source), when
// readable (/sys/kernel/slab, else /proc/slabinfo).
void read_entry_bytes(Report& rep);
// MemTotal of /proc/meminfo in bytes.
std::optional<std::uint64_t> read_mem_total();

}  // namespace ctwatch::cli
