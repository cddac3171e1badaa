// HttpServer: HTTP/1.1 on Boost.Beast, after Beast's advanced server example.
//
// - One session per connection, on its own strand; keep-alive.
// - A deadline on every read: a slow client is cut off and holds no thread.
// - A body size limit (413) and a header size limit (431).
// - A bounded number of connections: beyond it, new ones get 503 and close.
// - Handlers run on a separate pool, not on the I/O threads, because a write
//   waits for its group commit: the I/O threads keep reading other requests,
//   so concurrent commands share fsyncs. The requests that ServerOptions::
//   quick picks (reads that never wait, such as a cached dashboard) are
//   answered on the I/O thread instead: the hand-off to the pool and back,
//   two context switches, costs more than such a read.
//
// Shutdown: Stop() stops accepting, lets in-flight requests finish within
// the deadline, then stops the I/O threads.
//
// Thread-safe: Start and Stop from one controlling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/http/http_types.h"
#include "engine/util/status.h"

namespace jalon::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: pick a free port (tests)
  int io_threads = 2;
  int handler_threads = 16;
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  std::chrono::milliseconds read_timeout{10000};
  size_t max_connections = 512;
  // Requests answered on the I/O thread that read them; unset: none. Must
  // pick only handlers that never block (no group commit, no long poll).
  std::function<bool(const Request&)> quick;
};

class HttpServer {
 public:
  // `handler` is called concurrently from the handler pool.
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();  // Stop()s if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; the error names the address if it cannot bind.
  Status Start();
  uint16_t port() const;  // the bound port, once started
  void Stop(std::chrono::milliseconds deadline = std::chrono::seconds(10));

  struct Impl;  // defined in http_server.cc, which alone sees Beast

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace jalon::http
