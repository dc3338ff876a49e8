#include "metrics/listen_spec.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <charconv>

namespace uc::metrics {
namespace {

constexpr const char* kAllowed =
    "umlcluster listens only on loopback: give 127.0.0.1:PORT, [::1]:PORT, localhost:PORT or "
    "unix:/path/to.sock";

Result<uint16_t> parse_port(std::string_view text, std::string_view spec) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > 65535)
    return err(fmt::format("--listen {}: \"{}\" is not a port (0-65535)", spec, text));
  return static_cast<uint16_t>(v);
}

Result<ListenSpec> unix_spec(std::string_view path, std::string_view spec) {
  if (path.empty()) return err(fmt::format("--listen {}: no path after unix:", spec));
  if (path.size() >= sizeof(sockaddr_un::sun_path))
    return err(fmt::format("--listen {}: the socket path is longer than {} bytes", spec,
                           sizeof(sockaddr_un::sun_path) - 1));
  if (path.find('\0') != std::string_view::npos)
    return err("--listen: the socket path holds a NUL byte");
  ListenSpec s;
  s.kind = ListenSpec::Kind::unix_socket;
  s.path = path;
  return s;
}

Result<ListenSpec> tcp6_spec(std::string_view text, std::string_view spec) {
  size_t close = text.find(']');
  if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
    return err(fmt::format("--listen {}: write an IPv6 address as [::1]:PORT", spec));
  std::string host(text.substr(1, close - 1));
  in6_addr a{};
  if (::inet_pton(AF_INET6, host.c_str(), &a) != 1)
    return err(fmt::format("--listen {}: \"{}\" is not an IPv6 address", spec, host));
  if (IN6_IS_ADDR_UNSPECIFIED(&a))
    return err(fmt::format("--listen {}: [::] is every address of the host. {}", spec, kAllowed));
  if (!IN6_IS_ADDR_LOOPBACK(&a))
    return err(
        fmt::format("--listen {}: {} is not the loopback address. {}", spec, host, kAllowed));
  auto port = parse_port(text.substr(close + 2), spec);
  if (!port) return port.error();
  return ListenSpec{ListenSpec::Kind::tcp6, "::1", *port, ""};
}

bool is_localhost(std::string_view host) {
  constexpr std::string_view name = "localhost";
  if (host.size() != name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if ((host[i] | 0x20) != name[i]) return false;  // host names ignore case
  return true;
}

Result<ListenSpec> tcp4_spec(std::string_view text, std::string_view spec) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return err(fmt::format("--listen {}: give ADDRESS:PORT. {}", spec, kAllowed));
  std::string_view host = text.substr(0, colon);
  if (host.empty())
    return err(
        fmt::format("--listen {}: no address means every address of the host. {}", spec, kAllowed));
  if (host.find(':') != std::string_view::npos)
    return err(fmt::format("--listen {}: write an IPv6 address in brackets, as [::1]:PORT", spec));
  auto port = parse_port(text.substr(colon + 1), spec);
  if (!port) return port.error();
  if (is_localhost(host)) return ListenSpec{ListenSpec::Kind::tcp4, "127.0.0.1", *port, ""};
  std::string h(host);
  in_addr a{};
  if (::inet_pton(AF_INET, h.c_str(), &a) != 1)
    return err(
        fmt::format("--listen {}: \"{}\" is neither an IPv4 address nor localhost (other "
                    "names are not resolved). {}",
                    spec, h, kAllowed));
  uint32_t addr = ntohl(a.s_addr);
  if (addr == INADDR_ANY)
    return err(
        fmt::format("--listen {}: 0.0.0.0 is every address of the host. {}", spec, kAllowed));
  if ((addr >> 24) != 127)
    return err(fmt::format("--listen {}: {} is not a loopback address. {}", spec, h, kAllowed));
  return ListenSpec{ListenSpec::Kind::tcp4, h, *port, ""};
}

}  // namespace

std::string ListenSpec::to_string() const {
  switch (kind) {
    case Kind::tcp4:
      return fmt::format("{}:{}", host, port);
    case Kind::tcp6:
      return fmt::format("[{}]:{}", host, port);
    case Kind::unix_socket:
      return "unix:" + path;
  }
  return {};
}

Result<ListenSpec> parse_listen_spec(std::string_view text) {
  if (text.empty()) return err(fmt::format("--listen: empty. {}", kAllowed));
  if (text.substr(0, 5) == "unix:") return unix_spec(text.substr(5), text);
  if (text.front() == '[') return tcp6_spec(text, text);
  return tcp4_spec(text, text);
}

}  // namespace uc::metrics
