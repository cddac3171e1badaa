#include "jobs/delivery/channel.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "jobs/net/http_client.h"

namespace jalon::jobs {
namespace {

class MaildirChannel : public Channel {
 public:
  explicit MaildirChannel(DeliveryOptions o) : o_(std::move(o)) {}
  std::string name() const override { return "maildir"; }
  Status Send(const Message& m) override {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path root(o_.maildir);
    for (const char* sub : {"tmp", "new", "cur"}) fs::create_directories(root / sub, ec);
    if (ec) return Status::IOError(o_.maildir + ": " + ec.message());
    // Written in tmp/, synced, then renamed into new/: a reader never sees
    // half a message, and a retry of the same id replaces it.
    static std::atomic<uint64_t> counter{0};
    const fs::path tmp =
        root / "tmp" / (m.id + "." + std::to_string(::getpid()) + "." + std::to_string(++counter));
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << m.Rfc5322(o_.smtp.from);
      out.flush();
      if (!out) return Status::IOError(tmp.string() + ": cannot write");
    }
    if (FILE* f = std::fopen(tmp.c_str(), "rb")) {
      ::fsync(fileno(f));
      std::fclose(f);
    }
    fs::rename(tmp, root / "new" / (m.id + ".eml"), ec);
    if (ec) return Status::IOError(o_.maildir + ": " + ec.message());
    return Status::Ok();
  }

 private:
  DeliveryOptions o_;
};

struct Upload {
  const std::string* text;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, u->text->size() - u->offset);
  std::memcpy(buffer, u->text->data() + u->offset, n);
  u->offset += n;
  return n;
}

class SmtpChannel : public Channel {
 public:
  explicit SmtpChannel(DeliveryOptions o) : o_(std::move(o)) {}
  std::string name() const override { return "smtp"; }
  Status Send(const Message& m) override {
    if (m.to.empty()) return Status::InvalidArgument("message " + m.id + ": no recipient");
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return Status::Internal("libcurl: cannot create a handle");
    const std::string text = m.Rfc5322(o_.smtp.from);
    Upload upload{&text, 0};
    curl_slist* rcpt = nullptr;
    for (const std::string& to : m.to) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
    const std::string from = "<" + o_.smtp.from + ">";
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, o_.smtp.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    if (o_.smtp.starttls)
      curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!o_.smtp.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, o_.smtp.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, o_.smtp.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return Status::Unavailable("smtp " + o_.smtp.url + ": " +
                                 (error[0] != '\0' ? error : curl_easy_strerror(rc)));
    }
    return Status::Ok();
  }

 private:
  DeliveryOptions o_;
};

class WebhookChannel : public Channel {
 public:
  explicit WebhookChannel(DeliveryOptions o) : o_(std::move(o)) {}
  std::string name() const override { return "webhook"; }
  Status Send(const Message& m) override {
    const std::string url = m.webhook_url.empty() ? o_.webhook_url : m.webhook_url;
    if (url.empty()) {
      return Status::InvalidArgument("direction " + m.direction +
                                     ": no webhook URL (delivery.webhook_url or contacts.webhook)");
    }
    net::HttpCall call;
    call.method = "POST";
    call.url = url;
    call.body = m.ToJson().dump();
    call.timeout = std::chrono::seconds(30);
    call.headers = {{"Content-Type", "application/json"},
                    {"X-Jalon-Message-Id", m.id},
                    {"X-Jalon-Signature", WebhookSignature(o_.webhook_secret, call.body)}};
    auto reply = net::Perform(call);
    if (!reply.ok()) return reply.status();
    if (reply->status < 200 || reply->status >= 300) {
      return Status::Unavailable("webhook " + url + ": HTTP " + std::to_string(reply->status));
    }
    return Status::Ok();
  }

 private:
  DeliveryOptions o_;
};

}  // namespace

std::string WebhookSignature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::unique_ptr<Channel> MakeChannel(const DeliveryOptions& options) {
  if (options.channel == "smtp") return std::make_unique<SmtpChannel>(options);
  if (options.channel == "webhook") return std::make_unique<WebhookChannel>(options);
  return std::make_unique<MaildirChannel>(options);
}

}  // namespace jalon::jobs
