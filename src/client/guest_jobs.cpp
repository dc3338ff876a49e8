#include "client/guest_jobs.h"

#include <poll.h>
#include <signal.h>

#include "wire/guest_messages.h"
#include "wire/session_messages.h"

namespace uc::client {
namespace {

constexpr uint32_t kSid = 1;
constexpr size_t kMaxLine = 64 * 1024;

Result<ControlClient> open_session(const std::string& socket, const std::string& node,
                                   const std::vector<std::string>& argv) {
  auto c = ControlClient::connect(socket);
  if (!c) return c.error();
  session::ExecRequest req;
  req.node = node;
  req.argv = argv;
  UC_TRY(c->send(FrameType::kExec, kSid, session::encode(req)));
  UC_TRY(c->send(FrameType::kStdinEof, kSid, ""));
  return c;
}

int ms_until(GuestJobs::Clock::time_point t) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(t - GuestJobs::Clock::now()).count();
  return static_cast<int>(std::max<int64_t>(0, left));
}

}  // namespace

Status GuestJobs::start(const std::string& job, const std::string& node,
                        const std::vector<std::string>& argv) {
  auto c = open_session(socket_, node, argv);
  if (!c) return c.error();
  jobs_.insert_or_assign(job, Job{std::move(*c), {}});
  return {};
}

void GuestJobs::signal_all(int sig) {
  for (auto& [name, j] : jobs_)
    (void)j.client.send(FrameType::kSignal, kSid, session::encode(session::SignalRequest{sig}));
}

void GuestJobs::run_until(Clock::time_point until, const LineHandler& on_line,
                          const ExitHandler& on_exit) {
  while (!jobs_.empty()) {
    std::vector<pollfd> fds;
    std::vector<std::string> names;
    for (auto& [name, j] : jobs_) {
      fds.push_back({j.client.fd(), POLLIN, 0});
      names.push_back(name);
    }
    int wait = ms_until(until);
    if (wait == 0) return;
    if (::poll(fds.data(), fds.size(), wait) < 0 && errno != EINTR) return;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      auto& j = jobs_.at(names[i]);
      char buf[65536];
      ssize_t n = ::read(j.client.fd(), buf, sizeof buf);
      if (n <= 0) {
        jobs_.erase(names[i]);
        on_exit(names[i], -1, "lost the connection to the supervisor");
        continue;
      }
      j.client.decoder().feed(std::string_view(buf, static_cast<size_t>(n)));
      bool ended = false;
      while (auto f = j.client.decoder().next()) {
        if (f->type == FrameType::kStdout) {
          j.partial += f->payload;
          size_t start = 0;
          for (size_t nl; (nl = j.partial.find('\n', start)) != std::string::npos; start = nl + 1)
            on_line(names[i], j.partial.substr(start, nl - start));
          j.partial.erase(0, start);
          if (j.partial.size() > kMaxLine) j.partial.clear();  // a stranger's endless line
        } else if (f->type == FrameType::kExit) {
          auto e = cluster::parse_exit(f->payload);
          ended = true;
          on_exit(names[i], e ? e->code : -1, e ? e->error : "a bad exit frame");
          break;
        }
      }
      if (ended) jobs_.erase(names[i]);
    }
  }
}

Result<std::string> GuestJobs::capture(const std::string& socket, const std::string& node,
                                       const std::vector<std::string>& argv, int timeout_ms,
                                       size_t max_bytes) {
  auto c = open_session(socket, node, argv);
  if (!c) return c.error();
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string out;
  for (;;) {
    bool timed_out = false;
    auto f = c->read_frame(ms_until(deadline), &timed_out);
    if (!f) return f.error();
    if (timed_out || ms_until(deadline) == 0) {
      (void)c->send(FrameType::kSignal, kSid, session::encode(session::SignalRequest{SIGKILL}));
      return err(node + ": no complete answer within " + std::to_string(timeout_ms / 1000) + " s");
    }
    if (!*f) return err(node + ": lost the connection to the supervisor");
    if ((*f)->type == FrameType::kStdout) {
      out += (*f)->payload;
      if (out.size() > max_bytes) {
        (void)c->send(FrameType::kSignal, kSid, session::encode(session::SignalRequest{SIGKILL}));
        return err(node + ": more than " + std::to_string(max_bytes) + " bytes of output");
      }
    } else if ((*f)->type == FrameType::kExit) {
      auto e = cluster::parse_exit((*f)->payload);
      if (!e) return err(node + ": a bad exit frame");
      if (!e->error.empty()) return err(node + ": " + e->error);
      if (e->code != 0) return err(node + ": exit code " + std::to_string(e->code));
      return out;
    }
  }
}

}  // namespace uc::client
