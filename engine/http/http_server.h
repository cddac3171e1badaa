// HttpServer: HTTP/1.1 on Boost.Beast, after Beast's advanced server example.
//
// - One session per connection, on its own strand; keep-alive.
// - A deadline on every read: a slow client is cut off and holds no thread.
// - A body size limit (413) and a header size limit (431).
// - Connections are bounded so that idle sockets cannot lock out health
//   checks and authenticated work (ServerOptions):
//   - a connection that has not sent its first request's headers within
//     header_timeout is cut (established keep-alive ones get read_timeout);
//   - each client address keeps at most max_pending_per_address such
//     connections: a new one closes that address's oldest;
//   - at max_connections, a new connection closes the oldest connection
//     still waiting for its first request; if there is none, it gets 503;
//   - past max_connections - connection_reserve, a new connection is served
//     only for /healthz and for requests that carry an Authorization
//     header; others get 503 and close.
// - Every response carries the security headers (nosniff, a CSP, a
//   same-origin referrer policy) and, unless the handler set its own, Cache-Control: no-store.
// - HEAD is answered as GET, without the body.
// - Several Authorization or Idempotency-Key headers: 400.
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
  // The first request's headers: much shorter than read_timeout, since a
  // socket that never speaks only holds a connection.
  std::chrono::milliseconds header_timeout{3000};
  size_t max_connections = 512;
  size_t connection_reserve = 32;
  size_t max_pending_per_address = 16;
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
