// SPDX-License-Identifier: GPL-2.0-only
// ctwatch-fill: test fixture that creates conntrack entries over ctnetlink in
// the current network namespace. Run it only inside a throwaway namespace:
//   ip netns exec NS ctwatch-fill tcp:TIME_WAIT=800 udp=100 icmp=3
// See README.md next to this file for the kernel behaviour it relies on.

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::uint64_t kPortsPerSrc = 60000;  // sport = 1024 + n % 60000
constexpr std::uint16_t kFirstSport = 1024;
constexpr int kExitKernel = 1;
constexpr int kExitUsage = 2;
// The one failure a caller may retry: nf_conntrack_max is global, and a test
// that lowers it for a moment makes a concurrent fill meet a full table.
constexpr int kExitFull = 3;

struct ProtoDesc {
  const char* name;
  std::uint8_t l4proto;
  bool v6;
  // false when the kernel ignores CTA_PROTO_*_PORT for this protocol, so
  // only the addresses make a tuple unique. This kernel has no DCCP tracker
  // (no CONFIG_NF_CT_PROTO_DCCP, no nf_conntrack_dccp_* sysctls): DCCP is
  // handled by the generic tracker, whose l4proto has no nlattr_to_tuple
  // (ctnetlink_parse_tuple_proto() in net/netfilter/nf_conntrack_netlink.c).
  bool ports_in_tuple;
};

constexpr ProtoDesc kProtos[] = {
    {"tcp", IPPROTO_TCP, false, true},   {"udp", IPPROTO_UDP, false, true},
    {"icmp", IPPROTO_ICMP, false, true}, {"icmpv6", IPPROTO_ICMPV6, true, true},
    {"sctp", IPPROTO_SCTP, false, true}, {"dccp", IPPROTO_DCCP, false, false},
    {"gre", IPPROTO_GRE, false, true},   {"udplite", IPPROTO_UDPLITE, false, true},
    {"tcp6", IPPROTO_TCP, true, true},   {"udp6", IPPROTO_UDP, true, true},
};

// Index == enum tcp_conntrack value (include/uapi/linux/netfilter/nf_conntrack_tcp.h).
constexpr const char* kTcpStates[] = {"NONE",       "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
                                      "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",       "SYN_SENT2"};

struct Address {
  bool v6 = false;
  std::uint8_t bytes[16] = {};  // network order; IPv4 uses the first 4 bytes
};

struct Spec {
  std::string text;
  const ProtoDesc* proto = nullptr;
  int tcp_state = -1;  // -1: not TCP
  std::uint32_t status = 0;
  std::uint64_t count = 0;
  bool has_dst = false;
  Address dst;
  std::uint16_t dport = 0;
  std::uint64_t first = 0;  // global index of the first entry
};

struct Options {
  std::uint32_t timeout = 3600;
  Address base_src, base_dst, base_src6, base_dst6;
  std::uint16_t dport = 80;
  std::uint64_t src_count = 0;  // 0: no cycling
  bool quiet = false;
  bool ignore_full = false;
  std::vector<Spec> specs;
};

constexpr const char kUsageText[] =
    "usage: ctwatch-fill [--timeout S] [--base-src A.B.C.D] [--base-dst A.B.C.D]\n"
    "         [--base-src6 ADDR6] [--base-dst6 ADDR6] [--dport PORT] [--src-count K]\n"
    "         [--ignore-full] [--quiet] SPEC...\n"
    "  SPEC = proto[:state]=count[@DST[:PORT]]   (IPv6 DST as [addr]:port)\n"
    "  proto: tcp udp icmp icmpv6 sctp dccp gre udplite tcp6 udp6\n"
    "  tcp state: NONE SYN_SENT SYN_RECV ESTABLISHED (default) FIN_WAIT CLOSE_WAIT\n"
    "             LAST_ACK TIME_WAIT CLOSE SYN_SENT2\n"
    "  other protos: ASSURED (default) REPLIED UNREPLIED\n";

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "ctwatch-fill: %s (see --help)\n", msg.c_str());
  std::exit(kExitUsage);
}

bool parse_u64(const std::string& s, std::uint64_t max, std::uint64_t& out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::strtoull(s.c_str(), nullptr, 10);
  return out <= max;
}

bool parse_addr(const std::string& s, bool v6, Address& out) {
  out.v6 = v6;
  return inet_pton(v6 ? AF_INET6 : AF_INET, s.c_str(), out.bytes) == 1;
}

// base + n as an address; false if it wraps past the end of the address space
// (IPv4) or of the low 64 bits (IPv6), which would silently reuse addresses.
bool addr_add(const Address& base, std::uint64_t n, Address& out) {
  out = base;
  const int len = base.v6 ? 16 : 4;
  const int low = base.v6 ? 8 : 0;  // IPv6: only touch the interface id
  for (int i = len - 1; i >= low && n; --i) {
    n += out.bytes[i];
    out.bytes[i] = static_cast<std::uint8_t>(n & 0xff);
    n >>= 8;
  }
  return n == 0;
}

void parse_dst(Spec& sp, const std::string& s) {
  std::string host = s, port;
  if (!s.empty() && s[0] == '[') {
    const auto close = s.find(']');
    if (close == std::string::npos) usage_error("missing ']' in " + sp.text);
    host = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') usage_error("bad destination in " + sp.text);
      port = s.substr(close + 2);
    }
  } else if (!sp.proto->v6 && s.find(':') != std::string::npos) {
    host = s.substr(0, s.find(':'));
    port = s.substr(s.find(':') + 1);
  }
  if (!parse_addr(host, sp.proto->v6, sp.dst))
    usage_error("destination '" + host + "' is not an IPv" + (sp.proto->v6 ? "6" : "4") + " address in " + sp.text);
  sp.has_dst = true;
  std::uint64_t p = 0;
  if (!port.empty()) {
    if (!parse_u64(port, 65535, p)) usage_error("bad destination port in " + sp.text);
    sp.dport = static_cast<std::uint16_t>(p);
  }
}

Spec parse_spec(const std::string& text, std::uint16_t default_dport) {
  Spec sp;
  sp.text = text;
  sp.dport = default_dport;
  const auto eq = text.find('=');
  if (eq == std::string::npos) usage_error("SPEC '" + text + "' lacks '=count'");
  std::string head = text.substr(0, eq), tail = text.substr(eq + 1), state;
  if (const auto colon = head.find(':'); colon != std::string::npos) {
    state = head.substr(colon + 1);
    head.resize(colon);
  }
  for (const auto& p : kProtos)
    if (head == p.name) sp.proto = &p;
  if (!sp.proto) usage_error("unknown protocol '" + head + "' in " + text);
  if (const auto at = tail.find('@'); at != std::string::npos) {
    parse_dst(sp, tail.substr(at + 1));
    tail.resize(at);
  }
  if (!parse_u64(tail, 100000000, sp.count)) usage_error("bad count '" + tail + "' in " + text);

  // ctnetlink_create_conntrack() sets IPS_CONFIRMED on the new entry and
  // then applies CTA_STATUS via nf_ct_change_status_common(), which fails
  // with EBUSY if the requested status differs in IPS_CONFIRMED (or
  // EXPECTED/DYING). libnetfilter_conntrack's nfct_build_status() ORs it in
  // anyway; set it here so the intent is explicit.
  sp.status = IPS_CONFIRMED;
  if (sp.proto->l4proto == IPPROTO_TCP) {
    sp.tcp_state = TCP_CONNTRACK_ESTABLISHED;
    if (!state.empty()) {
      sp.tcp_state = -1;
      for (int i = 0; i < 10; ++i)
        if (state == kTcpStates[i]) sp.tcp_state = i;
      if (sp.tcp_state < 0) usage_error("unknown TCP state '" + state + "' in " + text);
    }
    // Mirror what the TCP tracker would have set after seeing the
    // packets of that state (net/netfilter/nf_conntrack_proto_tcp.c):
    // a reply was seen from SYN_RECV on, and the entry is ASSURED
    // once ESTABLISHED was reached.
    if (sp.tcp_state >= TCP_CONNTRACK_SYN_RECV) sp.status |= IPS_SEEN_REPLY;
    if (sp.tcp_state >= TCP_CONNTRACK_ESTABLISHED && sp.tcp_state <= TCP_CONNTRACK_CLOSE) sp.status |= IPS_ASSURED;
  } else if (state.empty() || state == "ASSURED") {
    sp.status |= IPS_SEEN_REPLY | IPS_ASSURED;
  } else if (state == "REPLIED") {
    sp.status |= IPS_SEEN_REPLY;
  } else if (state != "UNREPLIED") {
    usage_error("state '" + state + "' of " + text + " must be ASSURED, REPLIED or UNREPLIED");
  }
  return sp;
}

// Source address index of global entry n. Deterministic so tests can predict
// the table: without --src-count, 60000 consecutive entries share an address;
// with it, entries cycle over K addresses and the port advances once a cycle.
std::uint64_t source_index(const Options& o, const Spec& sp, std::uint64_t n) {
  if (o.src_count) return n % o.src_count;
  return sp.proto->ports_in_tuple ? n / kPortsPerSrc : n;  // portless: address must differ
}

std::uint16_t source_port(const Options& o, std::uint64_t n) {
  const std::uint64_t port_idx = o.src_count ? n / o.src_count : n;
  return static_cast<std::uint16_t>(kFirstSport + port_idx % kPortsPerSrc);
}

Options parse_args(int argc, char** argv) {
  Options o;
  parse_addr("198.18.0.1", false, o.base_src);  // RFC 2544 benchmarking range
  parse_addr("198.19.0.1", false, o.base_dst);
  parse_addr("fd00:0:0:1::1", true, o.base_src6);
  parse_addr("fd00:0:0:2::1", true, o.base_dst6);
  std::vector<std::string> spec_texts;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    std::uint64_t n = 0;
    if (a == "--timeout") {
      if (!parse_u64(value(), UINT32_MAX / 1000, n) || n == 0) usage_error("bad --timeout");
      o.timeout = static_cast<std::uint32_t>(n);
    } else if (a == "--base-src" || a == "--base-dst" || a == "--base-src6" || a == "--base-dst6") {
      const bool v6 = a.back() == '6';
      Address& dst =
          a.compare(0, 10, "--base-src") == 0 ? (v6 ? o.base_src6 : o.base_src) : (v6 ? o.base_dst6 : o.base_dst);
      if (!parse_addr(value(), v6, dst)) usage_error("bad address for " + a);
    } else if (a == "--dport") {
      if (!parse_u64(value(), 65535, n)) usage_error("bad --dport");
      o.dport = static_cast<std::uint16_t>(n);
    } else if (a == "--src-count") {
      if (!parse_u64(value(), UINT32_MAX, n) || n == 0) usage_error("bad --src-count");
      o.src_count = n;
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--ignore-full") {
      o.ignore_full = true;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsageText, stdout);
      std::exit(0);
    } else if (a.size() > 1 && a[0] == '-') {
      usage_error("unknown option " + a);
    } else {
      spec_texts.push_back(a);
    }
  }
  if (spec_texts.empty()) usage_error("no SPEC given");
  std::uint64_t total = 0;
  for (const auto& t : spec_texts) {
    if (total > UINT32_MAX / 2) usage_error("too many entries");  // seq numbers are 32 bit
    Spec sp = parse_spec(t, o.dport);
    if (!sp.has_dst) sp.dst = sp.proto->v6 ? o.base_dst6 : o.base_dst;
    sp.first = total;
    total += sp.count;
    if (o.src_count && !sp.proto->ports_in_tuple && sp.count > o.src_count)
      usage_error(t + ": " + sp.proto->name + " tuples carry no ports here, so --src-count limits it to " +
                  std::to_string(o.src_count) + " entries");
    // Fail before sending anything rather than reuse wrapped addresses.
    const std::uint64_t max_idx = o.src_count ? o.src_count - 1 : source_index(o, sp, sp.first + sp.count - 1);
    Address unused;
    if (sp.count && !addr_add(sp.proto->v6 ? o.base_src6 : o.base_src, max_idx, unused))
      usage_error(t + ": source addresses run past the end of the address space");
    o.specs.push_back(sp);
  }
  if (o.src_count && total > 0 && (total - 1) / o.src_count >= kPortsPerSrc)
    usage_error("--src-count " + std::to_string(o.src_count) + " allows at most " +
                std::to_string(o.src_count * kPortsPerSrc) + " entries");
  return o;
}

// Sends many IPCTNL_MSG_CT_NEW requests per sendto(). nfnetlink_rcv() hands a
// non-batch skb to netlink_rcv_skb(), which runs ctnetlink_new_conntrack() for
// every message in it and only acks those with NLM_F_ACK or an error
// (net/netlink/af_netlink.c), so one ack on the last message closes a batch.
class Batcher {
 public:
  Batcher(const Options& o) : opts_(o), buf_(kBatchBytes + 4096), rbuf_(1 << 16) {
    nl_ = mnl_socket_open(NETLINK_NETFILTER);
    if (!nl_ || mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) die_errno("cannot open ctnetlink socket");
    const int fd = mnl_socket_get_fd(nl_);
    // Errors come back one skb each; size the receive queue so a whole
    // batch of errors (table full) fits and no ack is dropped (ENOBUFS).
    int big = 32 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    // netlink_sendmsg() rejects a message larger than sk_sndbuf - 32.
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    int rcv = 0, snd = 0;
    socklen_t len = sizeof(int);
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &len);
    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &len);
    max_bytes_ = std::min<std::size_t>(kBatchBytes, static_cast<std::size_t>(snd) - 1024);
    max_msgs_ = std::max<std::size_t>(1, std::min<std::size_t>(kBatchMsgs, rcv / 2048));
    // Keep error acks small (no echoed request) and get extack strings.
    int one = 1;
    mnl_socket_setsockopt(nl_, NETLINK_CAP_ACK, &one, sizeof(one));
    mnl_socket_setsockopt(nl_, NETLINK_EXT_ACK, &one, sizeof(one));
    timeval tv{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~Batcher() { mnl_socket_close(nl_); }

  // Appends one create request for global entry n; flushes when full.
  bool add(const nf_conntrack* ct, std::uint8_t family, std::uint64_t n) {
    if (used_ + 1024 > max_bytes_ || msgs_ >= max_msgs_)
      if (!flush()) return false;
    auto* nlh = mnl_nlmsg_put_header(buf_.data() + used_);
    nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
    nlh->nlmsg_seq = static_cast<std::uint32_t>(n + 1);
    auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
    nfg->nfgen_family = family;
    nfg->version = NFNETLINK_V0;
    nfg->res_id = 0;
    if (nfct_nlmsg_build(nlh, ct) < 0) die_errno("nfct_nlmsg_build failed");
    last_ = nlh;
    used_ += nlh->nlmsg_len;
    ++msgs_;
    return true;
  }

  // Sends the pending batch and reads its acks. Returns false once the
  // table was found full under --ignore-full.
  bool flush() {
    if (!msgs_) return !full_;
    last_->nlmsg_flags |= NLM_F_ACK;
    const std::uint32_t last_seq = last_->nlmsg_seq;
    if (mnl_socket_sendto(nl_, buf_.data(), used_) < 0) die_errno("sendto ctnetlink");
    std::size_t failed = 0;
    for (bool done = false; !done;) {
      const ssize_t r = mnl_socket_recvfrom(nl_, rbuf_.data(), rbuf_.size());
      if (r < 0)
        die_errno(errno == ENOBUFS ? "netlink acks were dropped (receive queue full)" : "reading ctnetlink acks");
      int left = static_cast<int>(r);
      for (auto* h = reinterpret_cast<nlmsghdr*>(rbuf_.data()); mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
        if (h->nlmsg_type != NLMSG_ERROR) continue;
        const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(h));
        done = done || h->nlmsg_seq == last_seq;
        if (e->error == 0) continue;
        ++failed;
        handle_error(h, -e->error);
      }
    }
    created_ += msgs_ - failed;
    used_ = msgs_ = 0;
    return !full_;
  }

  std::uint64_t created() const { return created_; }

 private:
  static constexpr std::size_t kBatchBytes = 512 << 10;
  static constexpr std::size_t kBatchMsgs = 4096;

  [[noreturn]] static void die_errno(const char* what) {
    std::fprintf(stderr, "ctwatch-fill: %s: %s\n", what, std::strerror(errno));
    std::exit(kExitKernel);
  }

  void handle_error(const nlmsghdr* h, int err) {
    // __nf_conntrack_alloc() fails once the namespace's count reached
    // nf_conntrack_max and early_drop() found no unassured entry to
    // evict; ctnetlink_create_conntrack() turns any failure into ENOMEM.
    if (err == ENOMEM && opts_.ignore_full) {
      full_ = true;
      return;
    }
    const std::uint64_t n = h->nlmsg_seq - 1;
    const Spec* sp = &opts_.specs.front();
    for (const auto& s : opts_.specs)
      if (n >= s.first && n < s.first + s.count) sp = &s;
    std::string ext;
    if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
      mnl_attr_parse(
          h, sizeof(nlmsgerr),
          [](const nlattr* a, void* data) {
        if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
          *static_cast<std::string*>(data) = std::string(" (") + mnl_attr_get_str(a) + ")";
        return MNL_CB_OK;
          },
          &ext);
    }
    std::fprintf(stderr, "ctwatch-fill: %s: entry %llu: kernel refused: %s%s%s\n", sp->text.c_str(),
                 static_cast<unsigned long long>(n - sp->first), std::strerror(err), ext.c_str(),
                 err == ENOMEM ? " (conntrack table full? see --ignore-full)" : "");
    std::exit(err == ENOMEM ? kExitFull : kExitKernel);
  }

  const Options& opts_;
  mnl_socket* nl_ = nullptr;
  std::vector<char> buf_, rbuf_;
  nlmsghdr* last_ = nullptr;
  std::size_t used_ = 0, msgs_ = 0, max_bytes_ = 0, max_msgs_ = 0;
  std::uint64_t created_ = 0;
  bool full_ = false;
};

void set_ip(nf_conntrack* ct, const Address& a, nf_conntrack_attr v4, nf_conntrack_attr v6) {
  nfct_set_attr(ct, a.v6 ? v6 : v4, a.bytes);
}

// Returns false when the fill stopped early because the table is full.
bool fill_spec(const Options& o, const Spec& sp, Batcher& b) {
  nf_conntrack* ct = nfct_new();
  if (!ct) {
    std::perror("ctwatch-fill: nfct_new");
    std::exit(kExitKernel);
  }
  const std::uint8_t family = sp.proto->v6 ? AF_INET6 : AF_INET;
  const std::uint8_t l4 = sp.proto->l4proto;
  const bool icmp = l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6;
  // L3PROTO first: libnetfilter_conntrack derives the reply ICMP type from
  // it when ATTR_ICMP_TYPE is set.
  nfct_set_attr_u8(ct, ATTR_L3PROTO, family);
  nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, family);
  nfct_set_attr_u8(ct, ATTR_L4PROTO, l4);
  nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, l4);
  // Both tuples are mandatory for NLM_F_CREATE (ctnetlink_new_conntrack()
  // returns EINVAL otherwise); the reply tuple is the exact inverse (no NAT).
  set_ip(ct, sp.dst, ATTR_IPV4_DST, ATTR_IPV6_DST);
  set_ip(ct, sp.dst, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC);
  if (icmp) {
    // Echo request/reply: the only ICMP types that are tracked as a
    // connection with an id (invmap[] in nf_conntrack_proto_icmp*.c).
    nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, l4 == IPPROTO_ICMP ? 8 : 128);
    nfct_set_attr_u8(ct, ATTR_ICMP_CODE, 0);
  } else {
    nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(sp.dport));
    nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(sp.dport));
  }
  // CTA_TIMEOUT is required on create (ctnetlink_create_conntrack()) and
  // replaces the per-state default until a packet hits the entry.
  nfct_set_attr_u32(ct, ATTR_TIMEOUT, o.timeout);
  nfct_set_attr_u32(ct, ATTR_STATUS, sp.status);
  if (sp.tcp_state >= 0) nfct_set_attr_u8(ct, ATTR_TCP_STATE, static_cast<std::uint8_t>(sp.tcp_state));

  Address src;
  for (std::uint64_t i = 0; i < sp.count; ++i) {
    const std::uint64_t n = sp.first + i;
    addr_add(sp.proto->v6 ? o.base_src6 : o.base_src, source_index(o, sp, n), src);
    const std::uint16_t sport = source_port(o, n);
    set_ip(ct, src, ATTR_IPV4_SRC, ATTR_IPV6_SRC);
    set_ip(ct, src, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST);
    if (icmp) {
      nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(sport));
    } else {
      nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons(sport));
      nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(sport));
    }
    if (!b.add(ct, family, n)) {
      nfct_destroy(ct);
      return false;
    }
  }
  nfct_destroy(ct);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  std::uint64_t wanted = 0;
  for (const auto& sp : o.specs) wanted += sp.count;

  const auto start = std::chrono::steady_clock::now();
  Batcher b(o);
  bool complete = true;
  for (const auto& sp : o.specs)
    if (!(complete = fill_spec(o, sp, b))) break;
  if (complete) complete = b.flush();
  const std::chrono::duration<double> secs = std::chrono::steady_clock::now() - start;

  if (!complete || b.created() != wanted)
    std::fprintf(stderr, "created %llu of %llu\n", static_cast<unsigned long long>(b.created()),
                 static_cast<unsigned long long>(wanted));
  if (!o.quiet)
    std::printf("created %llu entries in %.3f s\n", static_cast<unsigned long long>(b.created()), secs.count());
  return 0;
}
