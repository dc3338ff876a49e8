// Making a cluster's state before its first start, or checking that the state a cluster
// has matches the definition it is started with: its record (cluster.json), its root
// image, its lab folder. Shared by `up` and `report`.
#pragma once

#include <functional>
#include <string>

#include "config/cluster_spec.h"
#include "sys/result.h"

namespace uc::client {

// One line for the user about what happened (the image's build steps, settings taken).
using Note = std::function<void(const std::string&)>;

// The definition a cluster was created with, with the manager's settings (restart
// policies, [manager]) of `wanted`: they are not part of what a cluster is and may change
// between runs.
ClusterSpec with_policies_of(ClusterSpec recorded, const ClusterSpec& wanted);
// Whether `wanted` is the cluster that was `recorded`, give or take nodes added to it since
// (`node add`), the manager's settings and the order of its nodes.
bool same_cluster(const ClusterSpec& recorded, const ClusterSpec& wanted);
// The lab folder of a cluster file: its folder, if that holds a node folder or a script
// for these nodes (config/lab.h); "" for none.
std::string lab_of(const std::string& file, const ClusterSpec& spec);

// Creates the cluster's state (record, image) or checks that what exists matches `spec`
// (which then gains the nodes added since). `file`: the cluster file it came from ("" for
// the default or a cluster.conf).
Status prepare_cluster(const std::string& file, ClusterSpec& spec, bool rebuild_image,
                       const Note& note);

}  // namespace uc::client
