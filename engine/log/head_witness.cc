#include "engine/log/head_witness.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/util/coding.h"

namespace jalon {
namespace {

constexpr std::string_view kMagic = "JWIT";
constexpr uint8_t kFormat = 1;
constexpr size_t kSlotBytes = 64;
constexpr size_t kCheckedBytes = kSlotBytes - 8;

struct Slot {
  uint64_t sequence = 0;
  WitnessRecord record;
};

std::string EncodeSlot(uint64_t sequence, uint64_t position, const Hash& hash) {
  std::string s(kMagic);
  s.push_back(static_cast<char>(kFormat));
  s.append(3, '\0');
  coding::PutFixed64(&s, sequence);
  coding::PutFixed64(&s, position);
  s.append(AsBytes(hash));
  const Hash check = Sha256(s);
  s.append(reinterpret_cast<const char*>(check.data()), 8);
  return s;
}

// The slot at `bytes`, or nullopt if it is not a well-formed slot.
std::optional<Slot> DecodeSlot(std::string_view bytes) {
  if (bytes.size() != kSlotBytes || !bytes.starts_with(kMagic) ||
      static_cast<uint8_t>(bytes[4]) != kFormat) {
    return std::nullopt;
  }
  const Hash check = Sha256(bytes.substr(0, kCheckedBytes));
  if (std::memcmp(check.data(), bytes.data() + kCheckedBytes, 8) != 0) return std::nullopt;
  std::string_view in = bytes.substr(8);
  Slot slot;
  if (!coding::GetFixed64(&in, &slot.sequence) || !coding::GetFixed64(&in, &slot.record.position) ||
      !coding::GetBytes(&in, 32, slot.record.hash.data())) {
    return std::nullopt;
  }
  return slot;
}

// The newer readable slot of `fd`'s content; kCorruption if none is.
Result<std::optional<Slot>> ReadSlots(int fd, const std::string& path) {
  char buf[2 * kSlotBytes + 1];
  ssize_t got = 0;
  while (got < static_cast<ssize_t>(sizeof buf)) {
    const ssize_t n = ::pread(fd, buf + got, sizeof buf - got, got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError(path + ": cannot be read: " + std::strerror(errno));
    if (n == 0) break;
    got += n;
  }
  if (got == 0) return std::optional<Slot>();  // created, never written
  std::optional<Slot> best;
  for (size_t i = 0; i < 2; ++i) {
    if (static_cast<size_t>(got) < (i + 1) * kSlotBytes) break;
    auto slot = DecodeSlot(std::string_view(buf + i * kSlotBytes, kSlotBytes));
    if (slot && (!best || slot->sequence > best->sequence)) best = slot;
  }
  if (!best) {
    return Status::Corruption(path + " holds " + std::to_string(got) +
                              " bytes and no readable head record (damaged)");
  }
  return best;
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open " + dir + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IOError("cannot sync " + dir);
}

}  // namespace

std::string HeadWitness::PathIn(const std::string& dir) {
  return (std::filesystem::path(dir) / kFileName).string();
}

Result<std::optional<WitnessRecord>> HeadWitness::Read(const std::string& dir) {
  const std::string path = PathIn(dir);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::optional<WitnessRecord>();
  if (fd < 0) return Status::IOError(path + ": cannot be opened: " + std::strerror(errno));
  auto slot = ReadSlots(fd, path);
  ::close(fd);
  if (!slot.ok()) return slot.status();
  if (!slot->has_value()) return std::optional<WitnessRecord>();
  return std::optional<WitnessRecord>((*slot)->record);
}

Result<std::unique_ptr<HeadWitness>> HeadWitness::Open(const std::string& dir) {
  const std::string path = PathIn(dir);
  const bool existed = std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(path + ": cannot be opened: " + std::strerror(errno));
  uint64_t sequence = 0;
  auto slot = ReadSlots(fd, path);
  if (slot.ok() && slot->has_value()) sequence = (*slot)->sequence;
  // A damaged file is overwritten from here on: the caller decided to (the
  // log opened healthy, or the operator accepted the loss).
  if (!existed) {
    if (Status s = SyncDir(dir); !s.ok()) {
      ::close(fd);
      return s;
    }
  }
  return std::unique_ptr<HeadWitness>(new HeadWitness(fd, sequence));
}

HeadWitness::HeadWitness(int fd, uint64_t sequence) : fd_(fd), sequence_(sequence) {
  syncer_ = std::thread([this] { SyncLoop(); });
}

HeadWitness::~HeadWitness() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  syncer_.join();
  ::close(fd_);
}

bool HeadWitness::WriteSlot(uint64_t position, const Hash& hash) {
  const uint64_t next = sequence_ + 1;
  const std::string slot = EncodeSlot(next, position, hash);
  const off_t offset = static_cast<off_t>((next % 2) * kSlotBytes);
  ssize_t n;
  do {
    n = ::pwrite(fd_, slot.data(), slot.size(), offset);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(slot.size())) return false;
  sequence_ = next;
  return true;
}

void HeadWitness::Record(uint64_t position, const Hash& hash) {
  if (!WriteSlot(position, hash)) return;
  written_.fetch_add(1);
  // The sync thread is woken only when it sleeps: while it syncs, it finds
  // the new record itself when it is done, and the writer spares a futex
  // wake on its path between two synced batches.
  if (sleeping_.load()) {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_one();
  }
}

Status HeadWitness::RecordAndSync(uint64_t position, const Hash& hash) {
  if (!WriteSlot(position, hash)) {
    return Status::IOError(std::string(kFileName) + ": cannot be written: " + std::strerror(errno));
  }
  if (::fdatasync(fd_) != 0) {
    return Status::IOError(std::string(kFileName) + ": cannot be synced: " + std::strerror(errno));
  }
  return Status::Ok();
}

void HeadWitness::SyncLoop() {
  pthread_setname_np(pthread_self(), "jalon-witness");
  uint64_t synced = written_.load();
  for (;;) {
    uint64_t target;
    bool stop;
    {
      std::unique_lock<std::mutex> lock(mu_);
      sleeping_.store(true);
      cv_.wait(lock, [&] { return stopping_ || written_.load() != synced; });
      sleeping_.store(false);
      target = written_.load();
      stop = stopping_;
    }
    if (target != synced) {
      ::fdatasync(fd_);
      synced = target;
    }
    if (stop && written_.load() == synced) return;
  }
}

}  // namespace jalon
