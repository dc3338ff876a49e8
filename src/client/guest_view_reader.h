// The guests' own view of themselves (load, memory, OCFS2 mounts), read through each node's
// agent: it reads the guest's /proc files itself, so sampling every second starts no
// process in the guest. Agents older than protocol 3 get `cat` instead.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client/control_client.h"
#include "monitor/guest_view.h"

namespace uc::client {

using monitor::GuestView;

// Nodes that did not answer are missing from the result.
std::map<std::string, GuestView> read_guest_views(ControlClient& c,
                                                  const std::vector<std::string>& nodes,
                                                  int timeout_ms = 3000);

}  // namespace uc::client
