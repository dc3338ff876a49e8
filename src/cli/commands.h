// Every command's row of the command table (cli/command.h), each defined in its own file;
// main.cpp lists them in order.
#pragma once

#include "cli/command.h"

namespace uc::cli {

extern const Command kUp;          // cmd_up.cpp
extern const Command kDown;        // cmd_down.cpp
extern const Command kDestroy;     // cmd_destroy.cpp
extern const Command kStatus;      // cmd_status.cpp
extern const Command kList;        // cmd_list.cpp
extern const Command kExec;        // cmd_exec.cpp
extern const Command kFault;       // cmd_fault.cpp
extern const Command kVerify;      // cmd_verify.cpp
extern const Command kChaos;       // cmd_chaos.cpp
extern const Command kConsole;     // cmd_console.cpp
extern const Command kLogs;        // cmd_logs.cpp
extern const Command kConfig;      // cmd_config.cpp
extern const Command kFsck;        // cmd_fsck.cpp
extern const Command kNode;        // cmd_node.cpp
extern const Command kTop;         // cmd_top.cpp
extern const Command kMetrics;     // cmd_metrics.cpp
extern const Command kReport;      // cmd_report.cpp
extern const Command kBench;       // cmd_bench.cpp
extern const Command kEvents;      // cmd_events.cpp
extern const Command kImage;       // cmd_image.cpp
extern const Command kKernel;      // cmd_kernel.cpp
extern const Command kMan;         // cmd_docs.cpp (hidden)
extern const Command kMan5;        // cmd_docs.cpp (hidden)
extern const Command kCompletion;  // cmd_docs.cpp (hidden)
extern const Command kNames;       // cmd_names.cpp (hidden)

}  // namespace uc::cli
