#include "jobs/delivery/message.h"

#include <cctype>

#include "jobs/delivery/mime.h"
#include "jobs/documents/labels.h"

namespace jalon::jobs {
namespace {

// Shown as the sender's name.
constexpr const char* kSenderName = "Jalon – Projets de direction";

// Who a notice at `level` goes to, after "au" / "à la".
const char* Recipient(int32_t level) {
  switch (level) {
    case 0:
      return "au contact de la direction";
    case 1:
      return "au directeur ou à la directrice";
    default:
      return "au service de pilotage";
  }
}

// A path segment of the page's address, percent-encoded outside RFC 3986's
// unreserved characters, so that the router splits it at '/' only.
std::string Segment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// "l'action A1.2 « Dossier unique »", or without the title if unknown.
std::string Named(const std::string& what, const std::string& id, const std::string& title) {
  std::string s = what + id;
  if (!title.empty()) s += " « " + title + " »";
  return s;
}

std::string Date(const std::string& iso) { return fr::LongDate(iso); }

// What `item` asks, as one sentence that ends where it is done (the link
// follows on the next line). Staff's words: the methodology's "revue du
// projet de direction" and "révision à mi-parcours", never a command.
std::string Sentence(const MessageItem& item) {
  const size_t slash = item.subject.find('/');
  const std::string id = slash == std::string::npos ? "" : item.subject.substr(slash + 1);
  std::string s;
  if (item.rule == "indicator_stale") {
    s = "saisissez une nouvelle mesure de " + Named("l'indicateur ", id, item.title) +
        ", attendue au plus tard le " + Date(item.due) + ", sur la page de l'indicateur :";
  } else if (item.rule == "action_overdue") {
    s = "déclarez l'achèvement de " + Named("l'action ", id, item.title) + ", prévue pour le " +
        Date(item.due) + ", ou replanifiez-la, sur la page de l'action :";
  } else if (item.rule == "review_not_held") {
    s = "enregistrez la revue du projet de direction prévue le " + Date(item.due) +
        " (participants, conclusions et décisions) sur la page des revues :";
  } else if (item.rule == "revision_open") {
    s = "clôturez la révision à mi-parcours";
    if (!item.opened.empty()) s += " ouverte le " + Date(item.opened);
    s += " en y consignant sa décision, sur la page des revues :";
  } else {
    s = "traitez la relance « " + fr::Label("reminder_rule", item.rule) +
        " », arrivée à échéance le " + Date(item.due) + ", sur sa page :";
  }
  if (item.notice > 1) return "Rappel : " + s;
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// A header of addresses, folded after each comma once a line is long.
std::string AddressList(const std::vector<std::string>& addresses, size_t used) {
  std::string out;
  for (const std::string& a : addresses) {
    if (!out.empty()) {
      out += ",";
      ++used;
      if (used + 1 + a.size() > 78) {
        out += "\r\n";
        used = 0;
      }
      out += " ";
      ++used;
    }
    out += a;
    used += a.size();
  }
  return out;
}

}  // namespace

std::string PageOf(const std::string& direction, const std::string& subject) {
  const std::string base = "#/direction/" + Segment(direction);
  const size_t slash = subject.find('/');
  const std::string kind = subject.substr(0, slash);
  const std::string id = slash == std::string::npos ? "" : subject.substr(slash + 1);
  if (!id.empty()) {
    if (kind == "action") return base + "/action/" + Segment(id);
    if (kind == "indicator") return base + "/indicateur/" + Segment(id);
    if (kind == "axis") return base + "/axe/" + Segment(id);
  }
  if (kind == "review" || kind == "revision") return base + "/revue";
  if (kind == "plan" || kind == "section" || kind == "swot" || kind == "mission" ||
      kind == "scenario" || kind == "identity")
    return base + "/projet";
  return base;
}

std::string Message::Subject() const {
  std::string s = "[Jalon] " + direction + " : ";
  s += items.size() == 1 ? fr::Label("reminder_rule", items[0].rule)
                         : std::to_string(items.size()) + " relances sur votre projet de direction";
  if (level > 0)
    s += " (relance transmise au " + fr::Label("reminder_level", std::to_string(level)) + ")";
  return s;
}

std::string Message::Body() const {
  std::string b = "Bonjour,\n\nLe projet de direction";
  if (!plan_title.empty()) b += " « " + plan_title + " »";
  b += " — " + direction_name + " (" + direction + ") — attend ";
  b += items.size() == 1 ? "l'élément suivant.\n\n" : "les éléments suivants.\n\n";
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string number = items.size() == 1 ? "" : std::to_string(i + 1) + ". ";
    b += number + Sentence(items[i]) + "\n" + std::string(number.size(), ' ') + LinkOf(items[i]) +
         "\n\n";
  }
  if (level > 0) {
    b += std::string("Faute de prise en compte, ce message est aussi adressé ") + Recipient(level) +
         ".\n\n";
  }
  b += "Si vous traitez déjà une demande, cliquez sur « Prendre en compte » sur sa page : elle ne "
       "sera plus transmise à l'échelon suivant. Chaque relance se clôt d'elle-même dès que les "
       "éléments attendus sont saisis.\n\n";
  b += "Ce message est envoyé automatiquement par Jalon, l'outil de suivi des projets de "
       "direction ; il n'attend pas de réponse.\n";
  return b;
}

std::string Message::Link() const {
  // The web UI is served at the base's final slash (/ or /t/{city}/): without
  // it, the page's relative assets would resolve one level up.
  std::string base = dashboard_url;
  if (base.empty() || base.back() != '/') base += '/';
  return base + PageOf(direction, "");
}

std::string Message::LinkOf(const MessageItem& item) const {
  std::string base = dashboard_url;
  if (base.empty() || base.back() != '/') base += '/';
  return base + PageOf(direction, item.subject);
}

nlohmann::json Message::ToJson() const {
  nlohmann::json items_json = nlohmann::json::array();
  for (const MessageItem& it : items) {
    items_json.push_back({{"reminder", it.reminder},
                          {"notice", it.notice},
                          {"rule", it.rule},
                          {"subject", it.subject},
                          {"title", it.title},
                          {"expected", it.expected},
                          {"due", it.due},
                          {"level", it.level},
                          {"link", LinkOf(it)}});
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
  std::string reminders;
  size_t used = 19;  // "X-Jalon-Reminders: "
  for (const MessageItem& it : items) {
    if (!reminders.empty()) {
      if (used + 1 + it.reminder.size() > 78) {
        reminders += "\r\n";
        used = 0;
      }
      reminders += " ";
      ++used;
    }
    reminders += it.reminder;
    used += it.reminder.size();
  }
  std::string text;
  text += "From: " + mime::Mailbox("From", kSenderName, from) + "\r\n";
  text += "To: " + AddressList(to, 4) + "\r\n";
  text += "Subject: " + mime::HeaderText("Subject", Subject()) + "\r\n";
  text += "Date: " + mime::Date(created_at) + "\r\n";
  text += "Message-ID: <" + id + "@" + mime::DomainOf(from) + ">\r\n";
  // RFC 3834: out-of-office and other automatic replies must not answer;
  // Exchange reads its own header instead.
  text += "Auto-Submitted: auto-generated\r\n";
  text += "X-Auto-Response-Suppress: All\r\n";
  text += "X-Jalon-Message-Id: " + id + "\r\n";
  text += "X-Jalon-Direction: " + direction + "\r\n";
  text += "X-Jalon-Reminders: " + reminders + "\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=UTF-8\r\n";
  text += "Content-Transfer-Encoding: base64\r\n";
  text += "Content-Language: fr\r\n\r\n";
  text += mime::Base64Body(Body());
  return text;
}

}  // namespace jalon::jobs
