#include "wire/cluster_status.h"

#include "wire/json_reader.h"

namespace uc::control {
namespace {

using json = nlohmann::json;

constexpr const char* kRunKeys[] = {"number",        "started_at_ms",    "ready_ms", "booted_ms",
                                    "guest_boot_ms", "boot_id",          "restart",  "restarts",
                                    "last_cause",    "last_cause_at_ms", "fences"};

const char* said(bool v, const char* yes, const char* no) { return v ? yes : no; }

json o2cb_json(const NodeO2cb& o) {
  json modules = json::object();
  for (const auto& [m, loaded] : o.modules) modules[m] = said(loaded, "loaded", "not loaded");
  return {{"modules", modules},
          {"configfs", said(o.configfs, "mounted", "not mounted")},
          {"ocfs2_dlmfs", said(o.dlmfs, "mounted", "not mounted")},
          {"cluster", said(o.online, "online", "offline")},
          {"heartbeat", said(o.heartbeat, "active", "not active")},
          {"mounts", o.mounts}};
}

json node_json(const NodeStatus& n) {
  json j{{"name", n.name},  {"state", n.state},       {"address", n.address},
         {"pid", n.pid},    {"uptime_s", n.uptime_s}, {"memory_limit_bytes", n.memory_limit_bytes},
         {"error", n.error}};
  if (const auto& r = n.run) {
    j.update({{"number", r->number},
              {"started_at_ms", r->started_at_ms},
              {"ready_ms", r->ready_ms},
              {"booted_ms", r->booted_ms},
              {"guest_boot_ms", r->guest_boot_ms},
              {"boot_id", r->boot_id},
              {"restart", r->restart},
              {"restarts", r->restarts},
              {"last_cause", r->last_cause},
              {"last_cause_at_ms", r->last_cause_at_ms}});
    // The host's heartbeat evidence, written only when there is some: a status without it
    // is byte for byte what the previous version wrote.
    if (r->fences > 0) j["fences"] = r->fences;
    if (r->disk_fenced) j["disk_fenced"] = true;
    if (const auto& h = r->disk_heartbeat)
      j["disk_heartbeat"] = {{"age_ms", h->age_ms},
                             {"seq", h->seq},
                             {"generation", h->generation},
                             {"dead_ms", h->dead_ms}};
  }
  if (n.costs) {
    j["pids"] = n.costs->pids;
    j["memory_bytes"] = n.costs->memory_bytes;
  }
  if (n.o2cb) j["o2cb"] = o2cb_json(*n.o2cb);
  return j;
}

// "mounted" / "not mounted" and the like: the word for true, anything else false.
void read_word(wire::JsonReader& r, const char* key, const char* yes, bool* out) {
  std::string word;
  r.get(key, &word);
  *out = word == yes;
}

Result<NodeO2cb> o2cb_from_json(const json& j, const std::string& path) {
  wire::JsonReader r(j, path);
  NodeO2cb o;
  std::map<std::string, std::string> modules;
  r.get("modules", &modules);
  for (const auto& [m, state] : modules) o.modules[m] = state == "loaded";
  read_word(r, "configfs", "mounted", &o.configfs);
  read_word(r, "ocfs2_dlmfs", "mounted", &o.dlmfs);
  read_word(r, "cluster", "online", &o.online);
  read_word(r, "heartbeat", "active", &o.heartbeat);
  r.get("mounts", &o.mounts);
  UC_TRY(r.status());
  return o;
}

NodeRun run_from(wire::JsonReader& r) {
  NodeRun run;
  r.get("number", &run.number);
  r.get("started_at_ms", &run.started_at_ms);
  r.get("ready_ms", &run.ready_ms);
  r.get("booted_ms", &run.booted_ms);
  r.get("guest_boot_ms", &run.guest_boot_ms);
  r.get("boot_id", &run.boot_id);
  r.get("restart", &run.restart);
  r.get("restarts", &run.restarts);
  r.get("last_cause", &run.last_cause);
  r.get("last_cause_at_ms", &run.last_cause_at_ms);
  r.get("fences", &run.fences, 0);
  r.get("disk_fenced", &run.disk_fenced);
  if (const json* h = r.object("disk_heartbeat")) {
    wire::JsonReader hr(*h, r.path("disk_heartbeat"));
    DiskHeartbeat d;
    hr.get("age_ms", &d.age_ms, 0);
    hr.get("seq", &d.seq);
    hr.get("generation", &d.generation);
    hr.get("dead_ms", &d.dead_ms, 0);
    if (hr.ok())
      run.disk_heartbeat = d;
    else
      r.fail(hr.status().error());
  }
  return run;
}

Result<NodeStatus> node_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return err(path + ": not an object");
  wire::JsonReader r(j, path);
  NodeStatus n;
  r.need("name", &n.name);
  r.get("state", &n.state);
  r.get("address", &n.address);
  r.get("pid", &n.pid, 0);
  r.get("uptime_s", &n.uptime_s);
  r.get("memory_limit_bytes", &n.memory_limit_bytes);
  r.get("error", &n.error);
  for (const char* key : kRunKeys)
    if (r.has(key)) {
      n.run = run_from(r);
      break;
    }
  if (r.has("pids") || r.has("memory_bytes")) {
    NodeCosts c;
    r.get("pids", &c.pids);
    r.get("memory_bytes", &c.memory_bytes);
    n.costs = c;
  }
  if (const json* o = r.object("o2cb")) {
    auto o2cb = o2cb_from_json(*o, r.path("o2cb"));
    if (!o2cb) return o2cb.error();
    n.o2cb = *o2cb;
  }
  UC_TRY(r.status());
  return n;
}

Result<VolumeStatus> volume_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return err(path + ": not an object");
  wire::JsonReader r(j, path);
  VolumeStatus v;
  r.get("name", &v.name);
  r.get("mount", &v.mount);
  r.get("size", &v.size);
  r.get("heartbeat", &v.heartbeat);
  r.get("attached", &v.attached);
  r.get("mounted_on", &v.mounted_on);
  if (j.contains("unknown_on")) r.get("unknown_on", &v.unknown_on);
  UC_TRY(r.status());
  return v;
}

}  // namespace

const NodeStatus* ClusterStatus::find(const std::string& node) const {
  for (const auto& n : nodes)
    if (n.name == node) return &n;
  return nullptr;
}

json to_json(const ClusterStatus& s) {
  json nodes = json::array();
  for (const auto& n : s.nodes) nodes.push_back(node_json(n));
  json j{{"cluster", s.cluster},
         {"state", s.state},
         {"supervisor_pid", s.supervisor_pid},
         {"switch_pid", s.switch_pid},
         {"nodes", nodes}};
  if (!s.subnet.empty()) j["subnet"] = s.subnet;
  if (s.volumes) {
    json volumes = json::array();
    for (const auto& v : *s.volumes)
      volumes.push_back({{"name", v.name},
                         {"mount", v.mount},
                         {"size", v.size},
                         {"heartbeat", v.heartbeat},
                         {"attached", v.attached},
                         {"mounted_on", v.mounted_on},
                         {"unknown_on", v.unknown_on}});
    j["volumes"] = volumes;
  }
  return j;
}

Result<ClusterStatus> cluster_status_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return err(path + ": not an object");
  wire::JsonReader r(j, path);
  ClusterStatus s;
  r.get("cluster", &s.cluster);
  r.get("state", &s.state);
  r.get("supervisor_pid", &s.supervisor_pid, 0);
  r.get("switch_pid", &s.switch_pid, 0);
  r.get("subnet", &s.subnet);
  if (const json* nodes = r.list("nodes"))
    for (size_t i = 0; i < nodes->size(); ++i) {
      auto n = node_from_json((*nodes)[i], r.path("nodes", i));
      if (!n) return n.error();
      s.nodes.push_back(std::move(*n));
    }
  if (const json* volumes = r.list("volumes")) {
    s.volumes.emplace();
    for (size_t i = 0; i < volumes->size(); ++i) {
      auto v = volume_from_json((*volumes)[i], r.path("volumes", i));
      if (!v) return v.error();
      s.volumes->push_back(std::move(*v));
    }
  }
  UC_TRY(r.status());
  return s;
}

}  // namespace uc::control
