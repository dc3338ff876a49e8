#include "supervisor/agent_link.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "sys/files.h"

namespace uc::cluster {

namespace {
constexpr size_t kMaxJobOutput = 1 << 20;  // an O2CB step says little; a guest may say a lot
}

void AgentLink::attach(Fd from_guest, Fd to_guest) {
  from_guest_ = std::move(from_guest);
  to_guest_ = std::move(to_guest);
  set_nonblocking(from_guest_.get());
  set_nonblocking(to_guest_.get());
  decoder_ = FrameDecoder();
  out_.clear();
  in_flight_ = 0;
  acks_ = false;
}

void AgentLink::reset(Listener& l, const std::string& why, bool close_fds) {
  auto routes = std::exchange(routes_, {});
  for (auto& [asid, r] : routes)
    l.on_route_frame(r, FrameType::kExit, encode_exit({125, 0, why}), true);
  auto jobs = std::exchange(jobs_, {});
  for (auto& [sid, job] : jobs) job.done(-1, "", why);
  // Whatever the old agent had not read is gone with it. (The decoder stays: after a
  // reboot, the new agent's hello may already sit in it.)
  out_.clear();
  in_flight_ = 0;
  if (close_fds) {
    decoder_ = FrameDecoder();
    from_guest_.reset();
    to_guest_.reset();
  }
}

void AgentLink::send(FrameType t, uint32_t session, std::string_view payload) {
  if (attached()) out_ += encode_frame(t, session, payload);
}

std::optional<uint32_t> AgentLink::start_job(const session::ExecRequest& exec, Done& done) {
  if (!attached()) {
    done(-1, "", "the node is not running");
    return std::nullopt;
  }
  uint32_t sid = next_session_++;
  jobs_[sid] = Job{std::move(done), "", ""};
  send(FrameType::kExec, sid, session::encode(exec));
  return sid;
}

void AgentLink::run_job(const std::vector<std::string>& argv, Done done,
                        const std::string& stdin_data) {
  session::ExecRequest exec;
  exec.argv = argv;
  auto sid = start_job(exec, done);
  if (!sid) return;
  constexpr size_t kChunk = kMaxPayload / 2;
  for (size_t at = 0; at < stdin_data.size(); at += kChunk)
    send(FrameType::kStdin, *sid, std::string_view(stdin_data).substr(at, kChunk));
  send(FrameType::kStdinEof, *sid, "");
}

void AgentLink::read_job(const std::vector<std::string>& paths, Done done) {
  session::ExecRequest exec;
  exec.read = paths;
  (void)start_job(exec, done);
}

uint32_t AgentLink::open_route(Route r, const session::ExecRequest& exec_request) {
  uint32_t sid = next_session_++;
  routes_[sid] = r;
  send(FrameType::kExec, sid, session::encode(exec_request));
  return sid;
}

void AgentLink::forward(uint32_t sid, FrameType t, std::string_view payload) {
  if (routes_.count(sid)) send(t, sid, payload);
}

void AgentLink::close_route(uint32_t sid) {
  if (!routes_.erase(sid)) return;
  send(FrameType::kSignal, sid, session::encode(session::SignalRequest{SIGKILL}));
}

void AgentLink::ping() { send(FrameType::kPing, 0, ""); }

bool AgentLink::wants_write() const {
  return attached() && !out_.empty() && (!acks_ || in_flight_ < kLinkWindow);
}

void AgentLink::flush() {
  if (!wants_write()) return;
  size_t room = acks_ ? kLinkWindow - std::min(kLinkWindow, in_flight_) : out_.size();
  ssize_t w = ::write(to_guest_.get(), out_.data(), std::min(room, out_.size()));
  if (w <= 0) return;
  out_.erase(0, static_cast<size_t>(w));
  if (acks_) in_flight_ += static_cast<size_t>(w);
}

void AgentLink::on_readable(Listener& l) {
  char buf[65536];
  for (int i = 0; i < 16 && from_guest_; ++i) {
    ssize_t got = ::read(from_guest_.get(), buf, sizeof buf);
    if (got <= 0) return;
    decoder_.feed(std::string_view(buf, static_cast<size_t>(got)));
    while (auto f = decoder_.next()) on_frame(l, *f);
  }
}

void AgentLink::on_frame(Listener& l, const Frame& f) {
  switch (f.type) {
    case FrameType::kAck:
      if (f.payload.size() != 4) return l.on_dropped("ack of the wrong size");
      in_flight_ -= std::min<size_t>(in_flight_, decode_u32(f.payload));
      l.on_heard();
      return;
    case FrameType::kPong:
      l.on_heard();
      return;
    case FrameType::kHello: {
      auto h = parse_hello(f.payload);
      if (!h) return l.on_dropped("hello: " + h.error().message);
      // An image built before flow control has an agent that never acknowledges.
      acks_ = h->version >= 2;
      l.on_heard();
      l.on_hello(*h);
      return;
    }
    case FrameType::kStdout:
    case FrameType::kStderr: {
      l.on_heard();
      if (auto j = jobs_.find(f.session); j != jobs_.end()) {
        auto& buf = f.type == FrameType::kStdout ? j->second.out : j->second.err;
        if (buf.size() < kMaxJobOutput) buf += f.payload;
        return;
      }
      if (auto r = routes_.find(f.session); r != routes_.end())
        l.on_route_frame(r->second, f.type, f.payload, false);
      return;  // output of a session that ended or was closed: nobody wants it
    }
    case FrameType::kExit:
      return on_exit_frame(l, f);
    default:
      return l.on_dropped("a frame of a type the agent does not send (" +
                          std::to_string(static_cast<int>(f.type)) + ")");
  }
}

void AgentLink::on_exit_frame(Listener& l, const Frame& f) {
  auto e = parse_exit(f.payload);
  if (!e)
    l.on_dropped("exit: " + e.error().message);
  else
    l.on_heard();
  if (auto j = jobs_.find(f.session); j != jobs_.end()) {
    Job job = std::move(j->second);
    jobs_.erase(j);
    job.done(e ? e->code : -1, job.out, job.err);
    return;
  }
  auto r = routes_.find(f.session);
  if (r == routes_.end()) return;
  Route route = r->second;
  routes_.erase(r);
  // Re-encoded from checked fields: the CLI never sees the guest's own JSON.
  SessionExit out = e ? *e : SessionExit{125, 0, "the node sent a malformed exit status"};
  if (e)
    out.error.clear();  // the agent sends none; a guest's text never reaches the user's terminal
  l.on_route_frame(route, FrameType::kExit, encode_exit(out), true);
}

}  // namespace uc::cluster
