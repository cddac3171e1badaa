// Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>
// (TOOLCHAIN.md): include it first.
#include "engine/http/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
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
  Impl(ServerOptions o, Handler h)
      : options(std::move(o)),
        handler(std::move(h)),
        ioc(options.io_threads),
        pool(options.handler_threads),
        acceptor(net::make_strand(ioc)) {}

  void Accept();

  ServerOptions options;
  Handler handler;
  net::io_context ioc;
  net::thread_pool pool;
  tcp::acceptor acceptor;  // on its own strand: accepts and close never overlap
  // Keeps the I/O threads running while no socket operation is pending: once
  // the acceptor is closed, a request whose handler is still on the pool has
  // no operation on the io_context, and its reply must still be written.
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
  std::vector<std::thread> io_threads;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};
  std::atomic<uint64_t> next_request{0};
  std::atomic<bool> stopping{false};
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
    if (ec) return;  // timed out or broken: drop the connection
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
    if (server_.options.quick && server_.options.quick(request)) {
      Reply(Answer(request), keep_alive, version);
      --server_.in_flight;
      return;
    }
    // The handler may wait for a group commit: run it off the I/O threads.
    net::post(server_.pool,
              [self = shared_from_this(), request = std::move(request), keep_alive, version]() {
                Response response = self->Answer(request);
                net::post(self->stream_.get_executor(),
                          [self, response = std::move(response), keep_alive, version]() mutable {
                            self->Reply(std::move(response), keep_alive, version);
                            --self->server_.in_flight;
                          });
              });
  }

  Response Answer(const Request& request) const {
    Response response;
    try {
      response = server_.handler(request);
    } catch (const std::exception& e) {
      // A handler bug must cost one request, never the daemon.
      response = ErrorResponse(500, std::string("internal error: ") + e.what());
    }
    response.headers["X-Request-Id"] = request.request_id;
    return response;
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

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

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
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  s.pool.join();
}

}  // namespace jalon::http
