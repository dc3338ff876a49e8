// umlclusterd: the supervisor of one running cluster. Started by `umlcluster up`.
// Usage: umlclusterd CLUSTER_NAME [--no-start]  (readiness is reported on fd 3)
#include <fcntl.h>

#include <cstdio>
#include <string>

#include "supervisor/supervisor.h"

int main(int argc, char** argv) {
  bool no_start = argc == 3 && std::string(argv[2]) == "--no-start";
  if ((argc != 2 && !no_start) || std::string(argv[1]) == "--help") {
    std::fprintf(stderr,
                 "usage: umlclusterd CLUSTER_NAME [--no-start] (started by `umlcluster up`)\n");
    return 2;
  }
  int ready = ::fcntl(3, F_GETFD) >= 0 ? 3 : -1;
  return uc::run_supervisor(argv[1], ready, !no_start);
}
