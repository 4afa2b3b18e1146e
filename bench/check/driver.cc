// The load for bench/check/main.ts from gRPC's C++ core (Debian's libgrpc++-dev): one thread
// polling one completion queue, so the driver takes as little of a small machine's CPU as it can
// and the servers, not the load, are what is measured. Requests arrive already serialised (one
// per line of a file, base64) and are sent through a generic stub, so no generated code is needed.
// Usage: driver ADDRESS CA CERT KEY REQUESTS_FILE CHANNELS IN_FLIGHT_PER_CHANNEL WARMUP_MS MEASURE_MS
// Prints `measuring` when the measured window opens, then one JSON object as driver.py does.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;
// Completion-queue deadlines take the system clock only.
using Wall = std::chrono::system_clock;

static std::string readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

static std::string decodeBase64(const std::string& in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : in) {
    const auto at = alphabet.find(c);
    if (at == std::string::npos) continue;  // padding and line ends
    bits = (bits << 6) | static_cast<unsigned>(at);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

static double cpuMicros(const rusage& u, bool user) {
  const timeval& t = user ? u.ru_utime : u.ru_stime;
  return t.tv_sec * 1e6 + t.tv_usec;
}

struct Call {
  grpc::ClientContext context;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  Clock::time_point started;
  size_t channel = 0;
};

int main(int argc, char** argv) {
  if (argc != 10) {
    std::cerr << "usage: driver ADDRESS CA CERT KEY REQUESTS_FILE CHANNELS IN_FLIGHT WARMUP_MS MEASURE_MS\n";
    return 2;
  }
  const std::string address = argv[1];
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = readFile(argv[2]);
  tls.pem_cert_chain = readFile(argv[3]);
  tls.pem_private_key = readFile(argv[4]);
  std::vector<grpc::Slice> requests;
  {
    std::ifstream lines(argv[5]);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) requests.emplace_back(decodeBase64(line));
    }
  }
  const size_t channels = std::stoul(argv[6]);
  const size_t inFlight = std::stoul(argv[7]);
  const auto warmup = std::chrono::milliseconds(std::stol(argv[8]));
  const auto measure = std::chrono::milliseconds(std::stol(argv[9]));
  if (requests.empty() || channels == 0 || inFlight == 0) {
    std::cerr << "driver: nothing to send\n";
    return 2;
  }

  const auto credentials = grpc::SslCredentials(tls);
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (size_t i = 0; i < channels; i++) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own per channel
    stubs.push_back(std::make_unique<grpc::GenericStub>(grpc::CreateCustomChannel(address, credentials, args)));
  }

  grpc::CompletionQueue queue;
  size_t next = 0;
  const auto start = [&](size_t channel) {
    auto* call = new Call;
    call->channel = channel;
    call->started = Clock::now();
    grpc::ByteBuffer request(&requests[next++ % requests.size()], 1);
    call->reader = stubs[channel]->PrepareUnaryCall(&call->context, "/warden.authz.v1.Authorizer/Check", request, &queue);
    call->reader->StartCall();
    call->reader->Finish(&call->response, &call->status, call);
  };
  for (size_t c = 0; c < channels; c++) {
    for (size_t k = 0; k < inFlight; k++) start(c);
  }

  std::vector<double> latencies;
  size_t errors = 0;
  size_t cached = 0;
  std::string firstError;
  bool measuring = false;
  bool stopping = false;
  size_t outstanding = channels * inFlight;
  rusage before{}, after{};
  Clock::time_point openedAt;
  double seconds = 0;
  auto boundary = Wall::now() + warmup;

  // Phases change on the clock, not only when the queue falls quiet: completions may never pause.
  const auto advance = [&] {
    if (!measuring && !stopping) {
      measuring = true;
      getrusage(RUSAGE_SELF, &before);
      openedAt = Clock::now();
      boundary = Wall::now() + measure;
      std::printf("measuring\n");
      std::fflush(stdout);
    } else if (measuring) {
      measuring = false;
      stopping = true;
      seconds = std::chrono::duration<double>(Clock::now() - openedAt).count();
      getrusage(RUSAGE_SELF, &after);
      boundary = Wall::now() + std::chrono::hours(1);
    }
  };

  while (outstanding > 0) {
    void* tag = nullptr;
    bool ok = false;
    const auto event = queue.AsyncNext(&tag, &ok, boundary);
    if (event == grpc::CompletionQueue::SHUTDOWN) break;
    if (Wall::now() >= boundary) advance();
    if (event == grpc::CompletionQueue::TIMEOUT) continue;
    auto* call = static_cast<Call*>(tag);
    if (measuring) {
      if (ok && call->status.ok()) {
        latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - call->started).count());
        std::vector<grpc::Slice> slices;
        std::string body;
        if (call->response.Dump(&slices).ok()) {
          for (const auto& s : slices) body.append(reinterpret_cast<const char*>(s.begin()), s.size());
        }
        // CheckResponse field 5 (cached) = true, written last.
        if (body.size() >= 2 && body[body.size() - 2] == 0x28 && body[body.size() - 1] == 0x01) cached++;
      } else {
        errors++;
        if (firstError.empty()) firstError = call->status.error_message();
      }
    }
    const size_t channel = call->channel;
    delete call;
    if (stopping) outstanding--;
    else start(channel);
  }

  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) { return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<size_t>(q * latencies.size()))]; };
  std::string escaped;
  for (char c : firstError) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) escaped.push_back(c);
  }
  std::printf(
      "{\"calls\":%zu,\"errors\":%zu,%s\"seconds\":%.6f,\"p50\":%.1f,\"p99\":%.1f,\"cpu\":{\"user\":%.0f,\"system\":%.0f},\"cachedShare\":%.6f}\n",
      latencies.size(), errors, firstError.empty() ? "" : ("\"firstError\":\"" + escaped + "\",").c_str(), seconds, at(0.5), at(0.99),
      cpuMicros(after, true) - cpuMicros(before, true), cpuMicros(after, false) - cpuMicros(before, false),
      latencies.empty() ? 0.0 : static_cast<double>(cached) / latencies.size());
  std::fflush(stdout);
  return 0;
}
