// Loopback sockets for the tests that talk to real servers on 127.0.0.1.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace jalon::testing {

inline sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  return addr;
}

// A connected socket to 127.0.0.1:port, or -1.
inline int ConnectLoopback(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in addr = Loopback(port);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` whole on a new connection to 127.0.0.1:port and returns
// everything the server answers until it closes ("" if it cannot connect).
inline std::string ExchangeOnce(uint16_t port, const std::string& request) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<size_t>(n));
  close(fd);
  return response;
}

// An HTTP answer as the bytes came: its status, its head (status line and
// headers) and its body.
struct HttpReply {
  int status = 0;  // 0 when nothing came
  std::string head;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  // The value of header `name` (any case), or "".
  std::string Header(const std::string& name) const {
    auto lower = [](std::string x) {
      for (char& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return x;
    };
    const std::string want = "\r\n" + lower(name) + ": ";
    const size_t at = lower(head).find(want);
    if (at == std::string::npos) return {};
    const size_t from = at + want.size();
    return head.substr(from, head.find("\r\n", from) - from);
  }
};

// One HTTP/1.1 request on its own connection, `headers` given whole (each
// ending in \r\n).
inline HttpReply SendRequest(uint16_t port, const std::string& method, const std::string& target,
                             const std::string& headers, const std::string& body = {}) {
  const std::string response = ExchangeOnce(
      port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  HttpReply r;
  if (response.size() > 12) r.status = std::atoi(response.substr(9, 3).c_str());
  const size_t blank = response.find("\r\n\r\n");
  if (blank != std::string::npos) {
    r.head = response.substr(0, blank);
    r.body = response.substr(blank + 4);
  }
  return r;
}

// A port that was free a moment ago, for a server the test starts.
inline uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace jalon::testing
