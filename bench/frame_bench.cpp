// How fast the host side handles agent frames and switch traffic: both sit on the path
// of every exec byte and every guest packet.
#include <benchmark/benchmark.h>

#include "net/switch_core.h"
#include "wire/frame.h"

namespace {

void BM_DecodeStdoutFrames(benchmark::State& state) {
  std::string stream;
  std::string payload(static_cast<size_t>(state.range(0)), 'x');
  for (int i = 0; i < 64; ++i) stream += uc::encode_frame(uc::FrameType::kStdout, 1, payload);
  for (auto _ : state) {
    uc::FrameDecoder d;
    d.feed(stream);
    int n = 0;
    while (auto f = d.next()) n += static_cast<int>(f->payload.size());
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_DecodeStdoutFrames)->Arg(64)->Arg(4096)->Arg(16384);

void BM_SwitchRoutesKnownUnicast(benchmark::State& state) {
  uc::net::SwitchCore sw;
  const int ports = static_cast<int>(state.range(0));
  for (int p = 1; p <= ports; ++p) sw.add_port(static_cast<uc::net::PortId>(p));
  auto frame = [](int dst, int src) {
    std::string f(64, '\0');
    f[0] = '\xfe', f[1] = '\xfd', f[5] = static_cast<char>(dst);
    f[6] = '\xfe', f[7] = '\xfd', f[11] = static_cast<char>(src);
    return f;
  };
  for (int p = 1; p <= ports; ++p)
    sw.route(static_cast<uc::net::PortId>(p), frame(255, p));  // learn
  std::string f = frame(2, 1);
  for (auto _ : state) benchmark::DoNotOptimize(sw.route(1, f));
}
BENCHMARK(BM_SwitchRoutesKnownUnicast)->Arg(2)->Arg(32);

}  // namespace

BENCHMARK_MAIN();
