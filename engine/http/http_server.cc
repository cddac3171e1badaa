// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>
// (TOOLCHAIN.md): include it first.
#include "engine/http/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "engine/http/auth.h"  // kSessionCookie

namespace jalon::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The headers every response carries unless its handler set them: the API
// answers are data, never a page to render or to cache.
constexpr const char* kDefaultCsp =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// Headers Jalon reads as one value: several of them are ambiguous (which
// token? which key?) and refused rather than resolved to one.
constexpr const char* kSingleHeaders[] = {"authorization", "idempotency-key"};

}  // namespace

// A connection that the acceptor may close from another thread.
class Connection {
 public:
  virtual ~Connection() = default;
  // Stops counting against max_connections (once).
  virtual void Release() = 0;
  // Closes the socket on the connection's own strand.
  virtual void CloseSoon() = 0;
};

// A connection that has not sent its first request's headers yet.
struct PendingEntry {
  std::string address;
  std::weak_ptr<Connection> connection;
  bool evicted = false;
};

struct HttpServer::Impl {
  Impl(ServerOptions o, AsyncHandler h)
      : options(std::move(o)),
        handler(std::move(h)),
        ioc(options.io_threads),
        pool(options.handler_threads),
        acceptor(net::make_strand(ioc)) {}

  void Accept();
  // Under pending_mu: closes the oldest pending connection (of `address`
  // if given). False if there is none.
  bool EvictOldestPending(const std::string* address,
                          std::vector<std::shared_ptr<Connection>>* evicted);
  void LeavePending(std::list<PendingEntry>::iterator entry);

  ServerOptions options;
  AsyncHandler handler;
  // Before the io_context: a session that its destruction releases (a
  // reply queued on a stopped context) still counts itself out.
  std::atomic<size_t> connections{0};
  std::mutex pending_mu;
  std::list<PendingEntry> pending;                    // oldest first
  std::map<std::string, size_t> pending_per_address;  // not evicted
  std::atomic<size_t> in_flight{0};
  // Requests whose Reply still exists somewhere (a command waiting for its
  // group commit holds one): Stop() waits for them, so that no Reply, and
  // no session it holds, outlives the server.
  std::atomic<size_t> unanswered{0};
  std::mutex unanswered_mu;
  std::condition_variable unanswered_cv;
  std::atomic<uint64_t> next_request{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> draining{false};  // Stop() runs the last answers itself
  net::io_context ioc;
  net::thread_pool pool;
  tcp::acceptor acceptor;  // on its own strand: accepts and close never overlap
  // Keeps the I/O threads running while no socket operation is pending: once
  // the acceptor is closed, a request whose handler is still on the pool has
  // no operation on the io_context, and its reply must still be written.
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
  std::vector<std::thread> io_threads;
  uint16_t port = 0;
  bool running = false;
};

bool HttpServer::Impl::EvictOldestPending(const std::string* address,
                                          std::vector<std::shared_ptr<Connection>>* evicted) {
  for (PendingEntry& e : pending) {
    if (e.evicted || (address != nullptr && e.address != *address)) continue;
    e.evicted = true;
    if (auto n = pending_per_address.find(e.address);
        n != pending_per_address.end() && --n->second == 0)
      pending_per_address.erase(n);
    if (auto c = e.connection.lock()) {
      c->Release();
      evicted->push_back(std::move(c));
    }
    return true;
  }
  return false;
}

void HttpServer::Impl::LeavePending(std::list<PendingEntry>::iterator entry) {
  std::lock_guard<std::mutex> lock(pending_mu);
  if (!entry->evicted) {
    if (auto n = pending_per_address.find(entry->address);
        n != pending_per_address.end() && --n->second == 0)
      pending_per_address.erase(n);
  }
  pending.erase(entry);
}

namespace {

// One connection. Owned by the shared_ptrs in its pending operations.
class Session : public Connection, public std::enable_shared_from_this<Session> {
 public:
  // `restricted`: accepted within the reserve, for /healthz and
  // authenticated requests only.
  Session(tcp::socket socket, HttpServer::Impl& server, bool reject, bool restricted)
      : stream_(std::move(socket)), server_(server), reject_(reject), restricted_(restricted) {
    ++server_.connections;
  }
  ~Session() override {
    Release();
    LeavePending();
  }

  void Release() override {
    if (!released_.exchange(true)) --server_.connections;
  }
  void CloseSoon() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.socket().close(ec);
    });
  }
  // Called once, before Run().
  void SetPending(std::list<PendingEntry>::iterator entry) { pending_ = entry; }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->reject_) {
        self->Reply(ErrorResponse(503, "too many connections; try again later"), false, 11);
      } else {
        self->Read();
      }
    });
  }

 private:
  void LeavePending() {
    if (pending_) server_.LeavePending(*pending_);
    pending_.reset();
  }

  // The headers first, within header_timeout on a new connection (one that
  // never speaks is cut early) or read_timeout on a kept-alive one; then
  // the body, within read_timeout.
  void Read() {
    head_ = false;
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(static_cast<uint32_t>(server_.options.header_limit));
    stream_.expires_after(pending_ ? server_.options.header_timeout : server_.options.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnRead(ec, 0);
    LeavePending();
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == bhttp::error::end_of_stream) return Close();
    if (ec == bhttp::error::body_limit) {
      return Reply(ErrorResponse(413, "request body larger than " +
                                          std::to_string(server_.options.body_limit) + " bytes"),
                   false, 11);
    }
    if (ec == bhttp::error::header_limit)
      return Reply(ErrorResponse(431, "request headers too large"), false, 11);
    if (ec) return;                // timed out or broken: drop the connection
    if (server_.draining) return;  // Stop() is past its deadline: no new work
    bhttp::request<bhttp::string_body> req = parser_->release();
    const bool keep_alive = req.keep_alive();
    const unsigned version = req.version();
    Request request;
    request.method = std::string(req.method_string());
    // HEAD is GET without the body (Reply leaves it out): every GET route
    // answers it, with the same headers.
    head_ = req.method() == bhttp::verb::head;
    if (head_) request.method = "GET";
    request.request_id = "r" + std::to_string(++server_.next_request);
    if (beast::error_code peer_ec; true) {
      const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_ec);
      if (!peer_ec) request.remote_address = peer.address().to_string();
    }
    if (!ParseTarget(std::string(req.target()), &request.path, &request.query)) {
      return Reply(ErrorResponse(400, "malformed request target"), false, version);
    }
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const char* single : kSingleHeaders) {
        if (name == single && request.headers.contains(name)) {
          return Reply(ErrorResponse(400, std::string(field.name_string()) +
                                              ": given more than once; send it once"),
                       false, version);
        }
      }
      request.headers[name] = std::string(field.value());
    }
    // Within the reserve: health checks and authenticated work only.
    if (restricted_ && !request.path.ends_with("/healthz") &&
        !request.headers.contains("authorization") &&
        CookieValue(request.Header("cookie"), kSessionCookie).empty()) {
      return Reply(ErrorResponse(503,
                                 "too many connections; only /healthz and authenticated "
                                 "requests are served now; try again later"),
                   false, version);
    }
    request.body = std::move(req.body());
    ++server_.in_flight;
    jalon::http::Reply reply = MakeReply(request.request_id, keep_alive, version);
    if (server_.options.quick && server_.options.quick(request)) {
      // Never waits, or waits without holding this thread (an async route).
      return Start(request, std::move(reply));
    }
    // The handler may block (a long poll, a walk of the log): off the I/O threads.
    net::post(server_.pool,
              [self = shared_from_this(), request = std::move(request),
               reply = std::move(reply)]() mutable { self->Start(request, std::move(reply)); });
  }

  void Start(const Request& request, jalon::http::Reply reply) {
    try {
      server_.handler(request, reply);
    } catch (const std::exception& e) {
      // A handler bug must cost one request, never the daemon. Ignored if
      // the handler had answered before it threw.
      reply(ErrorResponse(500, std::string("internal error: ") + e.what()));
    }
  }

  // The request's answer, once, from any thread: written on this session's
  // strand. A handler that drops its Reply without answering gets a 500
  // sent for it, so that the client is not left waiting.
  jalon::http::Reply MakeReply(const std::string& request_id, bool keep_alive, unsigned version) {
    struct Pending {
      std::shared_ptr<Session> self;
      std::string request_id;
      bool keep_alive = true;
      unsigned version = 11;
      std::atomic<bool> answered{false};
      void Send(Response response) {
        if (answered.exchange(true)) return;
        response.headers["X-Request-Id"] = request_id;
        // Inline when already on the strand (a quick read answered on the
        // I/O thread that read it), queued from any other thread.
        net::dispatch(self->stream_.get_executor(),
                      [self = self, response = std::move(response), keep_alive = keep_alive,
                       version = version]() mutable {
                        self->Reply(std::move(response), keep_alive, version);
                        --self->server_.in_flight;
                      });
      }
      ~Pending() {
        Send(ErrorResponse(500, "internal error: the request was dropped without an answer"));
        HttpServer::Impl& server = self->server_;
        self.reset();  // before Stop() may go on and destroy the server
        std::lock_guard<std::mutex> lock(server.unanswered_mu);
        if (--server.unanswered == 0) server.unanswered_cv.notify_all();
      }
    };
    ++server_.unanswered;
    auto pending = std::make_shared<Pending>();
    pending->self = shared_from_this();
    pending->request_id = request_id;
    pending->keep_alive = keep_alive;
    pending->version = version;
    jalon::http::Reply reply;
    reply.send = [pending](Response response) { pending->Send(std::move(response)); };
    reply.post = [pending](std::function<void()> fn) {
      net::post(pending->self->stream_.get_executor(), std::move(fn));
    };
    return reply;
  }

  void Reply(Response response, bool keep_alive, unsigned version) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), version);
    res->set(bhttp::field::server, "jalond");
    res->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->set(name, value);
    const auto set_default = [&res](const char* name, const char* value) {
      if (res->find(name) == res->end()) res->set(name, value);
    };
    set_default("X-Content-Type-Options", "nosniff");
    set_default("Content-Security-Policy", kDefaultCsp);
    set_default("Referrer-Policy", "same-origin");
    set_default("Cache-Control", "no-store");
    res->keep_alive(keep_alive && !server_.stopping);
    res->body() = std::move(response.body);
    res->prepare_payload();
    if (head_) {  // the GET's headers, Content-Length included, without its body
      const size_t length = res->body().size();
      res->body().clear();
      if (res->has_content_length()) res->content_length(length);
    }
    response_ = res;
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write(
        stream_, *res,
        beast::bind_front_handler(&Session::OnWrite, shared_from_this(), res->need_eof()));
  }

  void OnWrite(bool close, beast::error_code ec, size_t) {
    response_.reset();
    if (ec) return;
    if (close) return Close();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<void> response_;  // kept alive until written
  HttpServer::Impl& server_;
  const bool reject_;
  const bool restricted_;
  std::atomic<bool> released_{false};
  std::optional<std::list<PendingEntry>::iterator> pending_;  // until the first headers
  bool head_ = false;  // the request being answered is a HEAD
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      beast::error_code peer_ec;
      const auto peer = socket.remote_endpoint(peer_ec);
      const std::string address = peer_ec ? std::string() : peer.address().to_string();
      std::vector<std::shared_ptr<Connection>> evicted;
      bool reject = false, restricted = false;
      {
        std::lock_guard<std::mutex> lock(pending_mu);
        // One address cannot hold many silent sockets: its oldest goes.
        if (auto n = pending_per_address.find(address);
            n != pending_per_address.end() && n->second >= options.max_pending_per_address)
          EvictOldestPending(&address, &evicted);
        // At the limit, a silent socket makes room before anyone is refused.
        if (connections.load() >= options.max_connections) EvictOldestPending(nullptr, &evicted);
        const size_t open = connections.load();
        reject = open >= options.max_connections;
        restricted = open + std::min(options.connection_reserve, options.max_connections) >=
                     options.max_connections;
      }
      for (const auto& c : evicted) c->CloseSoon();
      evicted.clear();
      auto session = std::make_shared<Session>(std::move(socket), *this, reject, restricted);
      if (!reject) {
        std::lock_guard<std::mutex> lock(pending_mu);
        pending.push_back({address, session, false});
        ++pending_per_address[address];
        session->SetPending(std::prev(pending.end()));
      }
      session->Run();
    }
    if (acceptor.is_open()) Accept();
  });
}

HttpServer::HttpServer(ServerOptions options, AsyncHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : HttpServer(std::move(options),
                 [handler = std::move(handler)](const Request& request, jalon::http::Reply reply) {
                   reply(handler(request));
                 }) {}

HttpServer::~HttpServer() { Stop(std::chrono::seconds(2)); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  beast::error_code ec;
  const auto address = net::ip::make_address(s.options.address, ec);
  const std::string where = s.options.address + ":" + std::to_string(s.options.port);
  if (ec)
    return Status::InvalidArgument("server.listen: '" + s.options.address +
                                   "' is not an IP address");
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + where + ": " + ec.message());
  s.port = s.acceptor.local_endpoint().port();
  s.Accept();
  for (int i = 0; i < s.options.io_threads; ++i) s.io_threads.emplace_back([&s] { s.ioc.run(); });
  s.running = true;
  return Status::Ok();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop(std::chrono::milliseconds deadline) {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  s.stopping = true;
  // On the acceptor's strand: the accept handler re-arms on it, and an
  // acceptor is not safe to use from two threads at once.
  net::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  // Let in-flight requests finish and be written, within the deadline.
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (s.in_flight.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the last writes
  s.draining = true;
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.pool.join();
  // A command still waiting for its group commit (past the deadline: a log
  // slower than that) holds its Reply, and the Reply its session: wait for
  // the log to answer it, as the pool's join waits for a blocking handler,
  // so that nothing outlives the server. What the answer queues on the
  // stopped io_context (Reply::post) runs here.
  for (;;) {
    s.ioc.restart();
    s.ioc.poll();
    std::unique_lock<std::mutex> lock(s.unanswered_mu);
    if (s.unanswered_cv.wait_for(lock, std::chrono::milliseconds(10),
                                 [&s] { return s.unanswered.load() == 0; })) {
      break;
    }
  }
}

}  // namespace jalon::http
