#include "node/mconsole.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "sys/fd.h"

namespace uc::node {
namespace {
void put_u32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
uint32_t get_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace

std::optional<std::string> encode_mconsole_request(std::string_view cmd) {
  if (cmd.size() >= kMconsoleMaxData) return std::nullopt;
  std::string s;
  put_u32(s, kMconsoleMagic);
  put_u32(s, kMconsoleVersion);
  put_u32(s, static_cast<uint32_t>(cmd.size()));
  s.append(cmd);
  s.resize(kMconsoleHeader + kMconsoleMaxData, '\0');
  return s;
}

std::optional<std::string> decode_mconsole_request(std::string_view d) {
  if (d.size() < kMconsoleHeader) return std::nullopt;
  if (get_u32(d.data()) != kMconsoleMagic || get_u32(d.data() + 4) != kMconsoleVersion)
    return std::nullopt;
  uint32_t len = get_u32(d.data() + 8);
  if (len >= kMconsoleMaxData || kMconsoleHeader + len > d.size()) return std::nullopt;
  return std::string(d.substr(kMconsoleHeader, len));
}

std::optional<MconsoleReply> decode_mconsole_reply(std::string_view d) {
  if (d.size() < kMconsoleHeader) return std::nullopt;
  MconsoleReply r;
  r.err = get_u32(d.data());
  r.more = get_u32(d.data() + 4) != 0;
  uint32_t len = get_u32(d.data() + 8);
  if (len > kMconsoleMaxData || kMconsoleHeader + len > d.size()) return std::nullopt;
  r.data.assign(d.data() + kMconsoleHeader, len);
  // The kernel counts the terminating NUL in len.
  while (!r.data.empty() && r.data.back() == '\0') r.data.pop_back();
  return r;
}

std::string encode_mconsole_reply(const MconsoleReply& r) {
  std::string s;
  put_u32(s, r.err);
  put_u32(s, r.more ? 1 : 0);
  put_u32(s, static_cast<uint32_t>(r.data.size() + 1));
  s.append(r.data);
  s.push_back('\0');
  return s;
}

namespace {
Result<Fd> send_request(const std::string& path, const std::string& command) {
  auto req = encode_mconsole_request(command);
  if (!req) return err("mconsole command too long");
  Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error("socket");
  sa_family_t fam = AF_UNIX;  // autobind: the kernel picks an abstract name
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&fam), sizeof fam) != 0)
    return errno_error("bind");
  sockaddr_un to{};
  to.sun_family = AF_UNIX;
  if (path.size() >= sizeof to.sun_path) return err("mconsole path too long: " + path);
  std::memcpy(to.sun_path, path.data(), path.size());
  if (::sendto(fd.get(), req->data(), req->size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&to),
               sizeof to) < 0)
    return errno_error("mconsole " + path);
  return fd;
}
}  // namespace

Result<MconsoleCall> MconsoleCall::start(const std::string& path, const std::string& command) {
  auto fd = send_request(path, command);
  if (!fd) return fd.error();
  MconsoleCall c;
  c.fd_ = std::move(*fd);
  c.path_ = path;
  c.command_ = command;
  return c;
}

bool MconsoleCall::on_readable() {
  for (;;) {
    char buf[kMconsoleHeader + kMconsoleMaxData + 16];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    if (n < 0) {
      error_ = errno_error("mconsole " + path_).message;
      return true;
    }
    auto r = decode_mconsole_reply(std::string_view(buf, static_cast<size_t>(n)));
    if (!r) {
      error_ = "mconsole " + path_ + ": malformed reply";
      return true;
    }
    reply_.err = r->err;
    reply_.data += r->data;
    if (!r->more) return true;
  }
}

}  // namespace uc::node
