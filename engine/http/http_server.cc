// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>
// (TOOLCHAIN.md): include it first.
#include "engine/http/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace jalon::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  Impl(ServerOptions o, AsyncHandler h)
      : options(std::move(o)),
        handler(std::move(h)),
        ioc(options.io_threads),
        pool(options.handler_threads),
        acceptor(net::make_strand(ioc)) {}

  void Accept();

  ServerOptions options;
  AsyncHandler handler;
  // Before the io_context: a session that its destruction releases (a
  // reply queued on a stopped context) still counts itself out.
  std::atomic<size_t> connections{0};
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

namespace {

// One connection. Owned by the shared_ptrs in its pending operations.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server, bool reject)
      : stream_(std::move(socket)), server_(server), reject_(reject) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

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
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(static_cast<uint32_t>(server_.options.header_limit));
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
    request.request_id = "r" + std::to_string(++server_.next_request);
    if (!ParseTarget(std::string(req.target()), &request.path, &request.query)) {
      return Reply(ErrorResponse(400, "malformed request target"), false, version);
    }
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
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
    res->keep_alive(keep_alive && !server_.stopping);
    res->body() = std::move(response.body);
    res->prepare_payload();
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
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      const bool reject = connections.load() >= options.max_connections;
      std::make_shared<Session>(std::move(socket), *this, reject)->Run();
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
