#include "cluster/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "agent/frame.h"
#include "cluster/state_paths.h"
#include "config/cluster_spec.h"
#include "node/mconsole.h"
#include "node/node_launcher.h"
#include "monitor/sampler.h"
#include "ocfs2/bringup.h"
#include "ocfs2/o2cb_scripts.h"
#include "ocfs2/volume.h"
#include "sys/files.h"
#include "sys/sandbox.h"

namespace uc {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr size_t kMaxClientBacklog = 16 * 1024 * 1024;
constexpr auto kGracefulStop = std::chrono::seconds(20);
constexpr auto kHaltGrace = std::chrono::seconds(5);

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

void logf(const std::string& msg) { fmt::print(stderr, "{} {}\n", wall_ms(), msg); }

enum class NodeState { kStopped, kStarting, kRunning, kStopping, kFailed };
const char* state_name(NodeState s) {
  switch (s) {
    case NodeState::kStopped: return "stopped";
    case NodeState::kStarting: return "starting";
    case NodeState::kRunning: return "running";
    case NodeState::kStopping: return "stopping";
    case NodeState::kFailed: return "failed";
  }
  return "?";
}

struct Route {
  int conn;
  uint32_t session;
};

struct Job {
  ocfs2::NodeRunner::Done done;
  std::string out, err;
};

struct Node {
  NodeSpec spec;
  std::map<uint32_t, Job> jobs;  // the supervisor's own sessions (O2CB steps)
  int64_t booted_ms = 0;          // launch to agent hello
  NodeState state = NodeState::kStopped;
  ChildProcess proc;
  Fd agent;     // frames from the guest's agent
  Fd agent_in;  // frames to it
  FrameDecoder decoder;
  std::string out;
  size_t in_flight = 0;  // bytes sent to the agent that it has not acknowledged
  bool acks = false;     // the agent acknowledges (protocol version 2 and later)
  Clock::time_point started;
  int64_t started_wall = 0;
  int64_t ready_ms = 0;  // launch to agent hello
  int64_t guest_boot_ms = 0;
  std::string error;
  uint32_t next_session = 1;
  std::map<uint32_t, Route> routes;
  bool halted = false;
};

struct Conn {
  Fd fd;
  FrameDecoder decoder;
  std::string out;
  bool subscribed = false;
  bool waits_for_down = false;
  std::map<uint32_t, std::pair<std::string, uint32_t>> sessions;  // client sid -> node, agent sid
};

class Supervisor : public ocfs2::NodeRunner, public ocfs2::DiskStore {
 public:
  Supervisor(std::string name, bool start_nodes)
      : paths_(name), name_(std::move(name)), start_nodes_(start_nodes) {}
  int run(int ready_fd);

  // NodeRunner: the O2CB bring-up's steps run as the supervisor's own agent sessions.
  void run(const std::string& node, const std::string& script, Done done) override;
  void progress(const std::string& node, const std::string& message) override;
  void ready(const std::string& node) override;
  void failed(const std::string& node, const std::string& why) override;
  void log(const std::string& node, const std::string& text) override;
  // DiskStore: the cluster's shared disks are files in its state directory.
  Result<ocfs2::DiskContent> content(const DiskSpec& d) override;
  bool marked_formatted(const DiskSpec& d) override;
  void mark_formatted(const DiskSpec& d, const std::string& by, const std::string& uuid) override;
  std::string region(const DiskSpec& d) override;

 private:
  Status start();
  void start_node(Node& n);
  void begin_down();
  void tick();
  void on_node_exit(Node& n);
  void on_agent_readable(Node& n);
  void on_agent_frame(Node& n, const Frame& f);
  void on_conn_readable(int fd);
  void on_client_frame(Conn& c, const Frame& f);
  void close_conn(int fd);
  void send_to(Conn& c, FrameType t, uint32_t sid, std::string_view payload);
  void send_to_node(Node& n, FrameType t, uint32_t sid, std::string_view payload);
  void event(const Node& n, const std::string& message = "");
  // `costs`: each node's processes and memory too (a /proc walk: the monitor does its own).
  json status_json(bool costs = true);
  bool all_stopped() const;
  Node* find(const std::string& name);

  ClusterPaths paths_;
  std::string name_;
  bool start_nodes_ = true;  // at start; else each waits for a `start` request
  ClusterSpec spec_;
  std::string image_;
  std::optional<FileLock> lock_;
  Fd listener_;
  Fd sigfd_;
  ChildProcess switch_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<int, Conn> conns_;
  bool stopping_ = false;
  std::optional<Clock::time_point> halt_at_, kill_at_;
  std::unique_ptr<ocfs2::ClusterBringup> bringup_;
};

void Supervisor::run(const std::string& node, const std::string& script, Done done) {
  Node* n = find(node);
  if (!n || !n->agent_in) {
    done(-1, "", node + " is not running");
    return;
  }
  uint32_t asid = n->next_session++;
  n->jobs[asid] = Job{std::move(done), "", ""};
  send_to_node(*n, FrameType::kExec, asid, json{{"argv", {"/bin/sh", "-c", script}}}.dump());
  send_to_node(*n, FrameType::kStdinEof, asid, "");
}

void Supervisor::progress(const std::string& node, const std::string& message) {
  if (Node* n = find(node)) event(*n, message);
}

void Supervisor::ready(const std::string& node) {
  Node* n = find(node);
  if (!n || n->state != NodeState::kStarting) return;
  n->ready_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - n->started).count();
  n->state = NodeState::kRunning;
  event(*n, fmt::format("ready in {:.1f} s", n->ready_ms / 1000.0));
}

void Supervisor::failed(const std::string& node, const std::string& why) {
  Node* n = find(node);
  if (!n || n->state == NodeState::kStopping) return;
  n->state = NodeState::kFailed;
  n->error = why;
  event(*n, why);
}

void Supervisor::log(const std::string& node, const std::string& text) {
  // Beside the node's kernel console: `umlcluster logs NODE` shows the O2CB steps too.
  auto fd = open_file(paths_.node_log(node), O_WRONLY | O_APPEND);
  if (!fd) return;
  std::string block;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) block += "umlcluster: o2cb: " + line + "\n";
  (void)write_all(fd->get(), block.data(), block.size());
}

Result<ocfs2::DiskContent> Supervisor::content(const DiskSpec& d) {
  return ocfs2::probe_disk(paths_.disk(d.name));
}

bool Supervisor::marked_formatted(const DiskSpec& d) { return path_exists(paths_.disk_marker(d.name)); }

void Supervisor::mark_formatted(const DiskSpec& d, const std::string& by, const std::string& uuid) {
  (void)write_file_atomic(paths_.disk_marker(d.name),
                          json{{"formatted_by", by}, {"at_ms", wall_ms()}, {"slots", spec_.slots(d)},
                               {"uuid", uuid}}.dump() + "\n",
                          0600);
}

std::string Supervisor::region(const DiskSpec& d) {
  auto text = read_file(paths_.disk_marker(d.name));
  if (!text) return "";
  auto j = json::parse(*text, nullptr, false);
  return j.is_discarded() ? "" : j.value("uuid", "");
}

Node* Supervisor::find(const std::string& n) {
  for (auto& node : nodes_)
    if (node->spec.name == n) return node.get();
  return nullptr;
}

void Supervisor::send_to(Conn& c, FrameType t, uint32_t sid, std::string_view payload) {
  c.out += encode_frame(t, sid, payload);
}

void Supervisor::send_to_node(Node& n, FrameType t, uint32_t sid, std::string_view payload) {
  if (n.agent_in) n.out += encode_frame(t, sid, payload);
}

void Supervisor::event(const Node& n, const std::string& message) {
  json e{{"node", n.spec.name}, {"state", state_name(n.state)}, {"message", message},
         {"ready_ms", n.ready_ms}, {"guest_boot_ms", n.guest_boot_ms}};
  logf(fmt::format("{} {} {}", n.spec.name, state_name(n.state), message));
  std::string payload = e.dump();
  for (auto& [fd, c] : conns_)
    if (c.subscribed) send_to(c, FrameType::kEvent, 0, payload);
}

Status Supervisor::start() {
  auto text = read_file(paths_.spec());
  if (!text) return text.error();
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) return err(paths_.spec() + ": not valid JSON");
  try {
    spec_ = j.at("spec").get<ClusterSpec>();
    image_ = j.at("image").get<std::string>();
  } catch (const std::exception& e) {
    return err(paths_.spec() + ": " + e.what());
  }
  auto lock = FileLock::try_acquire(paths_.lock());
  if (!lock) return err("another supervisor runs cluster " + name_ + " (" + lock.error().message + ")");
  lock_.emplace(std::move(*lock));
  std::string pid = std::to_string(::getpid()) + "\n";
  ::ftruncate(lock_->fd(), 0);
  (void)write_all(lock_->fd(), pid.data(), pid.size());

  // The cluster's own, empty network namespace: the switch's abstract sockets live here
  // and nothing in it can reach (or be reached from) the host's network.
  if (::unshare(CLONE_NEWNET) != 0) return errno_error("unshare(CLONE_NEWNET)");

  UC_TRY(node::prepare_owned_dir(paths_.switch_dir()));
  UC_TRY(make_dirs(paths_.mount_point("switch"), 0700));
  auto ready = make_pipe();
  if (!ready) return ready.error();
  SandboxSpec s;
  s.mount_point = paths_.mount_point("switch");
  s.binds = {{self_dir() + "/umlcluster-switch", "/umlcluster-switch", false},
             {paths_.switch_dir(), "/net", true}};
  s.argv = {"/umlcluster-switch", "/net/switch.ctl", "3"};
  s.fds = {{ready->second.get(), 3}, {STDERR_FILENO, 2}};
  auto sw = spawn_sandboxed(s);
  if (!sw) return sw.error();
  switch_ = std::move(*sw);
  ready->second.reset();
  char buf[512] = {};
  ssize_t n = ::read(ready->first.get(), buf, sizeof buf - 1);
  if (n <= 0 || std::string(buf).rfind("ready", 0) != 0)
    return err("the switch did not start: " + std::string(buf));

  ::unlink(paths_.control_socket().c_str());
  listener_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::string cs = paths_.control_socket();
  if (cs.size() >= sizeof a.sun_path) return err("control socket path too long: " + cs);
  std::memcpy(a.sun_path, cs.data(), cs.size());
  mode_t old = ::umask(0077);
  int rc = ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::umask(old);
  if (rc != 0) return errno_error("cannot bind " + cs);
  if (::listen(listener_.get(), 16) != 0) return errno_error("listen " + cs);

  // Shared disks: created once, never truncated.
  UC_TRY(make_dirs(paths_.dir + "/disks", 0700));
  for (const auto& d : spec_.disks)
    UC_TRY(ocfs2::ensure_disk_file(paths_.disk(d.name), d.size, kNodeUid, kNodeGid));
  bringup_ = std::make_unique<ocfs2::ClusterBringup>(spec_, *this, *this);

  for (const auto& ns : spec_.nodes) {
    auto node = std::make_unique<Node>();
    node->spec = ns;
    nodes_.push_back(std::move(node));
  }
  if (start_nodes_)
    for (auto& node : nodes_) start_node(*node);
  return {};
}

void Supervisor::start_node(Node& n) {
  if (n.state == NodeState::kStarting || n.state == NodeState::kRunning) return;
  n.error.clear();
  n.ready_ms = n.guest_boot_ms = n.booted_ms = 0;
  n.decoder = FrameDecoder();
  n.out.clear();
  n.in_flight = 0;
  n.acks = false;
  n.halted = false;
  n.started = Clock::now();
  n.started_wall = wall_ms();
  auto launched = node::launch_node(spec_, n.spec, paths_, image_);
  if (!launched) {
    n.state = NodeState::kFailed;
    n.error = launched.error().message;
    event(n, n.error);
    return;
  }
  n.proc = std::move(launched->process);
  n.agent = std::move(launched->from_guest);
  n.agent_in = std::move(launched->to_guest);
  set_nonblocking(n.agent.get());
  set_nonblocking(n.agent_in.get());
  n.state = NodeState::kStarting;
  event(n, fmt::format("booting (pid {})", n.proc.pid()));
}

bool Supervisor::all_stopped() const {
  for (auto& n : nodes_)
    if (n->proc.running()) return false;
  return true;
}

void Supervisor::begin_down() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& n : nodes_) {
    if (!n->proc.running()) continue;
    n->state = NodeState::kStopping;
    // Ctrl-Alt-Del: the agent (the guest's init) ends its processes, unmounts and powers off.
    auto r = node::mconsole_command(paths_.mconsole(n->spec.name), "cad", 2000);
    event(*n, r ? "shutting down" : "cad failed: " + r.error().message);
  }
  halt_at_ = Clock::now() + kGracefulStop;
}

void Supervisor::tick() {
  auto now = Clock::now();
  if (halt_at_ && now >= *halt_at_) {
    halt_at_.reset();
    for (auto& n : nodes_)
      if (n->proc.running()) {
        (void)node::mconsole_command(paths_.mconsole(n->spec.name), "halt", 1000);
        event(*n, "did not stop in time: halt");
      }
    kill_at_ = Clock::now() + kHaltGrace;
  }
  if (kill_at_ && now >= *kill_at_) {
    kill_at_.reset();
    for (auto& n : nodes_)
      if (n->proc.running()) {
        n->proc.signal(SIGKILL);  // pid 1 of its namespace: its helpers die with it
        event(*n, "killed");
      }
  }
}

void Supervisor::on_node_exit(Node& n) {
  int status = 0;
  if (!n.proc.try_wait(&status)) return;
  for (auto& [asid, route] : n.routes) {
    auto it = conns_.find(route.conn);
    if (it == conns_.end()) continue;
    it->second.sessions.erase(route.session);
    send_to(it->second, FrameType::kExit, route.session,
            json{{"code", 125}, {"signal", 0}, {"error", n.spec.name + " stopped"}}.dump());
  }
  n.routes.clear();
  n.agent.reset();
  n.agent_in.reset();
  auto jobs = std::move(n.jobs);
  n.jobs.clear();
  bringup_->node_gone(n.spec.name);
  for (auto& [sid, job] : jobs) job.done(-1, "", n.spec.name + " stopped");
  std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                      : fmt::format("signal {}", WTERMSIG(status));
  if (n.state == NodeState::kStopping || stopping_) {
    n.state = NodeState::kStopped;
    event(n, "stopped (" + how + ")");
  } else {
    n.state = NodeState::kFailed;
    n.error = (n.ready_ms ? "crashed: " : "failed to boot: ") + how;
    event(n, n.error);
  }
}

void Supervisor::on_agent_frame(Node& n, const Frame& f) {
  if (f.type == FrameType::kAck) {
    n.in_flight -= std::min<size_t>(n.in_flight, decode_u32(f.payload));
    return;
  }
  if (f.type == FrameType::kHello) {
    auto j = json::parse(f.payload, nullptr, false);
    // An image built before flow control has an agent that never acknowledges.
    n.acks = !j.is_discarded() && j.value("version", 1) >= 2;
    if (!j.is_discarded() && j.contains("uptime_ms") && j["uptime_ms"].is_string())
      n.guest_boot_ms = std::atoll(j["uptime_ms"].get<std::string>().c_str());
    if (n.state == NodeState::kStarting && n.booted_ms == 0) {
      n.booted_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - n.started).count();
      event(n, fmt::format("booted in {:.1f} s", n.booted_ms / 1000.0));
      bringup_->node_booted(n.spec.name);
    }
    return;
  }
  if (auto j = n.jobs.find(f.session); j != n.jobs.end()) {
    if (f.type == FrameType::kStdout) j->second.out += f.payload;
    if (f.type == FrameType::kStderr) j->second.err += f.payload;
    if (f.type == FrameType::kExit) {
      auto res = json::parse(f.payload, nullptr, false);
      int code = res.is_discarded() ? -1 : res.value("code", -1);
      Job job = std::move(j->second);
      n.jobs.erase(j);
      job.done(code, job.out, job.err);
    }
    return;
  }
  if (f.type != FrameType::kStdout && f.type != FrameType::kStderr && f.type != FrameType::kExit)
    return;
  auto r = n.routes.find(f.session);
  if (r == n.routes.end()) return;
  auto c = conns_.find(r->second.conn);
  if (c != conns_.end()) send_to(c->second, f.type, r->second.session, f.payload);
  if (f.type == FrameType::kExit) {
    if (c != conns_.end()) c->second.sessions.erase(r->second.session);
    n.routes.erase(r);
  }
}

void Supervisor::on_agent_readable(Node& n) {
  char buf[65536];
  for (int i = 0; i < 16; ++i) {
    ssize_t got = ::read(n.agent.get(), buf, sizeof buf);
    if (got <= 0) return;
    n.decoder.feed(std::string_view(buf, static_cast<size_t>(got)));
    while (auto f = n.decoder.next()) on_agent_frame(n, *f);
  }
}

json Supervisor::status_json(bool costs) {
  json nodes = json::array();
  auto now = Clock::now();
  for (auto& n : nodes_) {
    json pids = json::array();
    uint64_t mem = 0;
    if (n->proc.running() && costs) {
      auto cost = monitor::NodeSampler().sample_one(n->proc.pid(), /*with_pss=*/false);
      pids = cost.pids;
      mem = cost.memory;
    }
    double uptime = n->proc.running()
        ? std::chrono::duration<double>(now - n->started).count() : 0.0;
    nodes.push_back({{"name", n->spec.name},
                     {"state", state_name(n->state)},
                     {"address", n->spec.address.str()},
                     {"pid", n->proc.running() ? n->proc.pid() : 0},
                     {"pids", pids},
                     {"uptime_s", uptime},
                     {"started_at_ms", n->started_wall},
                     {"ready_ms", n->ready_ms},
                     {"booted_ms", n->booted_ms},
                     {"guest_boot_ms", n->guest_boot_ms},
                     {"memory_bytes", mem},
                     {"memory_limit_bytes", n->spec.memory},
                     {"error", n->error}});
  }
  return json{{"cluster", name_},
              {"state", stopping_ ? "stopping" : "running"},
              {"supervisor_pid", ::getpid()},
              {"switch_pid", switch_.running() ? switch_.pid() : 0},
              {"subnet", spec_.subnet.str()},
              {"nodes", nodes}};
}

void Supervisor::on_client_frame(Conn& c, const Frame& f) {
  int cfd = c.fd.get();
  if (f.type == FrameType::kRequest) {
    auto req = json::parse(f.payload, nullptr, false);
    std::string op = req.is_discarded() ? "" : req.value("op", "");
    if (op == "ping") {
      send_to(c, FrameType::kReply, f.session, json{{"ok", true}, {"cluster", name_}}.dump());
    } else if (op == "status") {
      send_to(c, FrameType::kReply, f.session, status_json(req.value("costs", true)).dump());
    } else if (op == "subscribe") {
      c.subscribed = true;
      send_to(c, FrameType::kReply, f.session, status_json().dump());
    } else if (op == "start") {  // {nodes: [names]} (default: all) that are stopped or failed
      c.subscribed = true;
      json started = json::array();
      auto only = req.value("nodes", std::vector<std::string>{});
      for (const auto& name : only)
        if (!find(name)) {
          send_to(c, FrameType::kReply, f.session, json{{"ok", false}, {"error", "no node named " + name}}.dump());
          return;
        }
      auto wanted = [&](const Node& n) {
        return only.empty() || std::find(only.begin(), only.end(), n.spec.name) != only.end();
      };
      if (!stopping_)
        for (auto& n : nodes_)
          if (wanted(*n) && (n->state == NodeState::kStopped || n->state == NodeState::kFailed)) {
            start_node(*n);
            started.push_back(n->spec.name);
          }
      send_to(c, FrameType::kReply, f.session,
              json{{"ok", !stopping_}, {"started", started}, {"status", status_json()}}.dump());
    } else if (op == "add_node") {
      // The record on disk already has the node (the CLI wrote it); reread it.
      auto text = read_file(paths_.spec());
      auto j = text ? json::parse(*text, nullptr, false) : json();
      std::string name = req.value("node", "");
      if (stopping_ || j.is_discarded() || !j.contains("spec")) {
        send_to(c, FrameType::kReply, f.session, json{{"ok", false}, {"error", "cannot add a node now"}}.dump());
        return;
      }
      ClusterSpec next = j["spec"].get<ClusterSpec>();
      const NodeSpec* added = next.find_node(name);
      if (!added || find(name)) {
        send_to(c, FrameType::kReply, f.session, json{{"ok", false}, {"error", "no new node " + name}}.dump());
        return;
      }
      spec_ = next;
      bringup_->update_spec(spec_);
      for (const auto& d : spec_.disks)
        (void)ocfs2::ensure_disk_file(paths_.disk(d.name), d.size, kNodeUid, kNodeGid);
      auto node = std::make_unique<Node>();
      node->spec = *added;
      Node* fresh = node.get();
      nodes_.push_back(std::move(node));
      c.subscribed = true;
      // The running nodes learn it first (cluster.conf and the live configfs): o2net turns
      // away a node it does not know. Then it boots.
      auto pending = std::make_shared<int>(0);
      for (auto& n : nodes_)
        if (n->state == NodeState::kRunning) ++*pending;
      if (*pending == 0) start_node(*fresh);
      for (auto& n : nodes_)
        if (n->state == NodeState::kRunning)
          run(n->spec.name, ocfs2::add_node_script(spec_, *added, bringup_->regions()),
              [this, pending, fresh, nn = n->spec.name](int code, const std::string&, const std::string& err) {
                if (code != 0) logf(nn + ": could not learn the new node: " + err);
                if (--*pending == 0) start_node(*fresh);
              });
      send_to(c, FrameType::kReply, f.session, json{{"ok", true}, {"status", status_json()}}.dump());
    } else if (op == "down") {
      c.subscribed = true;
      c.waits_for_down = true;
      begin_down();
    } else {
      send_to(c, FrameType::kReply, f.session, json{{"ok", false}, {"error", "unknown request"}}.dump());
    }
    return;
  }
  if (f.type == FrameType::kExec) {
    auto req = json::parse(f.payload, nullptr, false);
    std::string name = req.is_discarded() ? "" : req.value("node", "");
    Node* n = find(name);
    auto fail = [&](const std::string& why) {
      send_to(c, FrameType::kExit, f.session, json{{"code", 125}, {"signal", 0}, {"error", why}}.dump());
    };
    if (!n) return fail("no node named \"" + name + "\" in cluster " + name_);
    if (n->state != NodeState::kRunning) return fail(name + " is " + state_name(n->state));
    if (c.sessions.count(f.session)) return fail("session already open");
    uint32_t asid = n->next_session++;
    n->routes[asid] = Route{cfd, f.session};
    c.sessions[f.session] = {name, asid};
    req.erase("node");
    send_to_node(*n, FrameType::kExec, asid, req.dump());
    return;
  }
  auto s = c.sessions.find(f.session);
  if (s == c.sessions.end()) return;
  Node* n = find(s->second.first);
  if (!n) return;
  switch (f.type) {
    case FrameType::kStdin: case FrameType::kStdinEof: case FrameType::kResize: case FrameType::kSignal:
      send_to_node(*n, f.type, s->second.second, f.payload);
      break;
    default: break;
  }
}

void Supervisor::close_conn(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  for (auto& [csid, target] : it->second.sessions) {
    if (Node* n = find(target.first)) {
      send_to_node(*n, FrameType::kSignal, target.second, json{{"signal", SIGKILL}}.dump());
      n->routes.erase(target.second);
    }
  }
  conns_.erase(it);
}

void Supervisor::on_conn_readable(int fd) {
  auto& c = conns_[fd];
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return close_conn(fd);
  if (n < 0) return;
  c.decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
  while (auto f = c.decoder.next()) on_client_frame(c, *f);
}

int Supervisor::run(int ready_fd) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  sigfd_ = Fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  signal(SIGPIPE, SIG_IGN);

  auto st = start();
  std::string line = st ? "ready\n" : "error: " + st.error().message + "\n";
  if (ready_fd >= 0) {
    (void)write_all(ready_fd, line.data(), line.size());
    ::close(ready_fd);
  }
  if (!st) {
    logf(st.error().message);
    return 1;
  }
  logf("supervisor of cluster " + name_ + " ready");

  for (;;) {
    for (auto& n : nodes_) {
      size_t room = n->acks ? kLinkWindow - std::min(kLinkWindow, n->in_flight) : SIZE_MAX;
      if (n->agent_in && !n->out.empty() && room > 0) {
        ssize_t w = ::write(n->agent_in.get(), n->out.data(), std::min(room, n->out.size()));
        if (w > 0) {
          n->out.erase(0, static_cast<size_t>(w));
          if (n->acks) n->in_flight += static_cast<size_t>(w);
        }
      }
    }
    for (auto it = conns_.begin(); it != conns_.end();) {
      auto& c = it->second;
      if (!c.out.empty()) {
        ssize_t w = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w > 0) c.out.erase(0, static_cast<size_t>(w));
      }
      int fd = it->first;
      ++it;
      if (conns_[fd].out.size() > kMaxClientBacklog) close_conn(fd);  // a client that stopped reading
    }
    if (stopping_ && all_stopped()) break;

    enum Kind { kSig, kListen, kConn, kAgent, kAgentIn, kPid, kSwitch };
    std::vector<pollfd> fds;
    std::vector<std::pair<Kind, void*>> what;
    auto add = [&](int fd, short ev, Kind k, void* p) {
      fds.push_back({fd, ev, 0});
      what.push_back({k, p});
    };
    add(sigfd_.get(), POLLIN, kSig, nullptr);
    add(listener_.get(), POLLIN, kListen, nullptr);
    for (auto& [fd, c] : conns_)
      add(fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), kConn,
          reinterpret_cast<void*>(static_cast<intptr_t>(fd)));
    for (auto& n : nodes_) {
      if (n->agent) add(n->agent.get(), POLLIN, kAgent, n.get());
      if (n->agent_in && !n->out.empty() && (!n->acks || n->in_flight < kLinkWindow))
        add(n->agent_in.get(), POLLOUT, kAgentIn, n.get());
      if (n->proc.running()) add(n->proc.pidfd(), POLLIN, kPid, n.get());
    }
    if (switch_.running()) add(switch_.pidfd(), POLLIN, kSwitch, nullptr);
    int timeout = -1;
    for (auto& d : {halt_at_, kill_at_})
      if (d) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d - Clock::now()).count();
        timeout = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(ms + 1, timeout < 0 ? INT32_MAX : timeout)));
      }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) return 1;
    tick();
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      auto [kind, ptr] = what[i];
      switch (kind) {
        case kSig: {
          signalfd_siginfo si;
          while (::read(sigfd_.get(), &si, sizeof si) == sizeof si) {
          }
          begin_down();
          break;
        }
        case kListen:
          for (;;) {
            int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd < 0) break;
            ucred cred{};
            socklen_t len = sizeof cred;
            // Only the owner of the cluster (root) may drive it.
            if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != ::geteuid()) {
              ::close(fd);
              continue;
            }
            conns_[fd].fd = Fd(fd);
          }
          break;
        case kConn: {
          int fd = static_cast<int>(reinterpret_cast<intptr_t>(ptr));
          if (conns_.count(fd)) on_conn_readable(fd);
          break;
        }
        case kAgent: {
          auto* n = static_cast<Node*>(ptr);
          if (n->agent && (fds[i].revents & (POLLIN | POLLHUP))) on_agent_readable(*n);
          break;
        }
        case kAgentIn: break;  // writable: the loop's top writes what is queued
        case kPid: on_node_exit(*static_cast<Node*>(ptr)); break;
        case kSwitch: {
          int status = 0;
          if (switch_.try_wait(&status)) {
            logf("the switch exited; stopping the cluster");
            begin_down();
          }
          break;
        }
      }
    }
  }
  if (switch_.running()) {
    switch_.signal(SIGTERM);
    switch_.wait();
  }
  for (auto& [fd, c] : conns_) {
    if (c.waits_for_down) send_to(c, FrameType::kReply, 0, json{{"ok", true}}.dump());
    set_nonblocking(fd, false);
    (void)write_all(fd, c.out.data(), c.out.size());
  }
  ::unlink(paths_.control_socket().c_str());
  logf("cluster " + name_ + " is down");
  return 0;
}

}  // namespace

int run_supervisor(const std::string& cluster_name, int ready_fd, bool start_nodes) {
  Supervisor s(cluster_name, start_nodes);
  return s.run(ready_fd);
}

}  // namespace uc
