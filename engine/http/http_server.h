// HttpServer: HTTP/1.1 on Boost.Beast, after Beast's advanced server example.
//
// - One session per connection, on its own strand; keep-alive.
// - A deadline on every read: a slow client is cut off and holds no thread.
// - A body size limit (413) and a header size limit (431).
// - A bounded number of connections: beyond it, new ones get 503 and close.
// - A handler answers through its Reply, now or later, from any thread; the
//   response is written on the connection's strand. The requests that
//   ServerOptions::quick picks are started on the I/O thread that read them:
//   reads that never wait (a cached dashboard), and commands, which wait for
//   their group commit without holding a thread (the log's completion hands
//   the rest back through Reply::post). The others (long polls, walks of the
//   log) run on a separate pool, so that the I/O threads keep reading.
//   Starting a command on the I/O thread instead of the pool saves two
//   context switches and a parked thread per command, and lets as many
//   commands share a group commit as there are connections.
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
  // Requests started on the I/O thread that read them; unset: none. Must
  // pick only handlers that never block (no long poll; a command hands its
  // wait for the group commit to the log and returns).
  std::function<bool(const Request&)> quick;
};

class HttpServer {
 public:
  // `handler` is called concurrently from the I/O threads and the pool. A
  // request whose Reply is dropped unanswered gets a 500. Stop() waits until
  // every Reply is gone.
  HttpServer(ServerOptions options, AsyncHandler handler);
  // A handler that answers before it returns.
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
