// The clock and records of `report` (the paper's experiment): a look at the host and the
// cluster every interval, each one a point of the time series, and windows of looks that
// make the table's rows; the figures of a row against the one before; the files written.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "client/cluster_sample.h"
#include "client/control_client.h"
#include "sys/result.h"

namespace uc::client {

class ReportRecorder {
 public:
  using Clock = std::chrono::steady_clock;
  // `note` hears each event as a line ("  12.3 s  node1 ready in 5.2 s").
  ReportRecorder(double interval, std::function<void(const std::string&)> note);
  // From now on, looks include this connection's cluster (its nodes' host processes).
  void attach(ControlClient* c) { cluster_ = c; }
  double now() const;
  void event(const std::string& what);
  int ms_to_next_look() const;
  // Takes the next look (waiting for its time) and records it under `phase`.
  void look(const std::string& phase);
  // Samples for `secs` (or until `stop` says so) and returns the row: CPU over the whole
  // window, memory its mean, load at its end, each node's CPU over the window and its
  // memory at the end.
  nlohmann::json window(const std::string& phase, double secs, const std::function<bool()>& stop);
  const nlohmann::json& series() const { return series_; }
  const nlohmann::json& events() const { return events_; }

 private:
  double interval_;
  std::function<void(const std::string&)> note_;
  Clock::time_point t0_;
  ControlClient* cluster_ = nullptr;
  ClusterLook last_;
  // PSS readings walk page tables (milliseconds a node): 2 ms of them a sample.
  monitor::NodeSampler nodes_{std::chrono::microseconds(2000)};
  nlohmann::json series_ = nlohmann::json::array(), events_ = nlohmann::json::array();
  double mem_sum_ = 0;
  int mem_looks_ = 0;
};

// Waits for `node` to be ready after the start `reply`, looking at the host meanwhile.
Status wait_ready_recording(ControlClient& events, ReportRecorder& rec, const std::string& node,
                            const control::Reply& reply, const std::function<bool()>& stop);
// A row's figures minus the previous row's.
nlohmann::json row_delta(const nlohmann::json& row, const nlohmann::json& prev);
// The host the report ran on: name, kernel, cores, memory.
nlohmann::json host_facts(const nlohmann::json& first_row);
// report.json, report.csv, series.csv, report.txt and report.html in `dir`.
Status write_report_files(const std::string& dir, const nlohmann::json& report);

}  // namespace uc::client
