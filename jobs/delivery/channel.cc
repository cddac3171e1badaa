#include "jobs/delivery/channel.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "engine/util/sha256.h"
#include "jobs/documents/labels.h"
#include "jobs/net/http_client.h"

namespace jalon::jobs {
namespace {

const char* LevelName(int32_t level) {
  switch (level) {
    case 0:
      return "contact de la direction";
    case 1:
      return "directeur ou directrice";
    default:
      return "service de pilotage";
  }
}

std::string RuleTitle(const std::string& rule) { return fr::Label("reminder_rule", rule); }

std::string Base64(const std::string& in) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kTable[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = uint8_t(in[i]) << 16;
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    for (int s : {18, 12, 6}) out += kTable[(n >> s) & 63];
    out += '=';
  }
  return out;
}

// RFC 2047 encoded-word, for a non-ASCII subject.
std::string EncodedWord(const std::string& text) { return "=?UTF-8?B?" + Base64(text) + "?="; }

std::string RfcDate(Instant t) {
  const std::time_t now = static_cast<std::time_t>(ToMicros(t) / 1000000);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

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

std::string Message::Subject() const {
  std::string s = "[Jalon] " + direction + " : ";
  s += items.size() == 1 ? RuleTitle(items[0].rule)
                         : std::to_string(items.size()) + " relances sur votre projet de direction";
  if (level > 0) s += " (relance transmise au " + std::string(LevelName(level)) + ")";
  return s;
}

std::string Message::Body() const {
  std::string b = "Bonjour,\n\n";
  b += "Le projet de direction";
  if (!plan_title.empty()) b += " « " + plan_title + " »";
  b += " — " + direction_name + " (" + direction + ") — attend ";
  b += items.size() == 1 ? "l'élément suivant :\n\n" : "les éléments suivants :\n\n";
  for (size_t i = 0; i < items.size(); ++i) {
    const MessageItem& it = items[i];
    b += "  " + std::to_string(i + 1) + ". " + RuleTitle(it.rule) + " — " + it.expected + ".\n";
    b += "     Échéance : " + it.due + ". Relance n° " + std::to_string(it.notice);
    if (it.level > 0) b += ", transmise au " + std::string(LevelName(it.level));
    b += ".\n     Identifiant de la relance : " + it.reminder + "\n\n";
  }
  b += "Merci de saisir ces éléments dans Jalon : " + Link() + "\n\n";
  b += "Si vous avez pris connaissance d'une relance et qu'elle est en cours de traitement, "
       "accusez-en réception (commande AcknowledgeReminder avec son identifiant) : elle ne sera "
       "alors plus transmise à l'échelon suivant.\n\n";
  b += "Ce message est envoyé automatiquement par Jalon, l'outil de suivi des projets de "
       "direction. Chaque relance se clôt d'elle-même dès que les données attendues sont "
       "saisies.\n";
  b += "Identifiant du message : " + id + "\n";
  return b;
}

std::string Message::Link() const {
  // The web UI is served at the base's final slash (/ or /t/{city}/): without
  // it, the page's relative assets would resolve one level up.
  std::string base = dashboard_url;
  if (base.empty() || base.back() != '/') base += '/';
  return base + "#/direction/" + direction;
}

nlohmann::json Message::ToJson() const {
  nlohmann::json items_json = nlohmann::json::array();
  for (const MessageItem& it : items) {
    items_json.push_back({{"reminder", it.reminder},
                          {"notice", it.notice},
                          {"rule", it.rule},
                          {"subject", it.subject},
                          {"expected", it.expected},
                          {"due", it.due},
                          {"level", it.level}});
  }
  return {{"message", id},
          {"direction", direction},
          {"direction_name", direction_name},
          {"level", level},
          {"to", to},
          {"subject", Subject()},
          {"text", Body()},
          {"dashboard", Link()},
          {"reminders", items_json}};
}

std::string Message::Rfc5322(const std::string& from) const {
  std::string to_line;
  for (const std::string& t : to) to_line += (to_line.empty() ? "" : ", ") + t;
  std::string reminders;
  for (const MessageItem& it : items) reminders += (reminders.empty() ? "" : " ") + it.reminder;
  std::string text;
  text += "From: Jalon <" + from + ">\r\n";
  text += "To: " + to_line + "\r\n";
  text += "Subject: " + EncodedWord(Subject()) + "\r\n";
  text += "Date: " + RfcDate(created_at) + "\r\n";
  text += "Message-ID: <" + id + "@jalon>\r\n";
  text += "X-Jalon-Message-Id: " + id + "\r\n";
  text += "X-Jalon-Reminders: " + reminders + "\r\n";
  text += "X-Jalon-Direction: " + direction + "\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=UTF-8\r\n";
  text += "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::string body = Base64(Body());
  for (size_t i = 0; i < body.size(); i += 76) text += body.substr(i, 76) + "\r\n";
  return text;
}

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
