// Raw access to a closed log's events through RocksDB, for the tests that
// damage a log the way a disk fault or an operator would.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "engine/log/format.h"

namespace jalon::testing {

// Raw access to the "events" column family of a closed log.
class RawEvents {
 public:
  explicit RawEvents(const std::string& dir) {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    EXPECT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir, cfs, &handles_, &db_).ok());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == log_format::kEventsCf) events_ = handles_[i];
    }
  }
  ~RawEvents() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    delete db_;
  }
  std::string Get(uint64_t position) {
    std::string v;
    EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), events_, log_format::EventKey(position), &v).ok());
    return v;
  }
  void Put(uint64_t position, const std::string& v) {
    EXPECT_TRUE(db_->Put(rocksdb::WriteOptions(), events_, log_format::EventKey(position), v).ok());
  }
  void Delete(uint64_t position) {
    EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), events_, log_format::EventKey(position)).ok());
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
};

}  // namespace jalon::testing
