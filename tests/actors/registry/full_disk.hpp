// A disk that fills up when a test says so: an SQLite VFS over the default one, made the
// default for the whole test process, whose writes fail with SQLITE_FULL (what SQLite
// reports for ENOSPC) while `full` is set. Everything else is the real VFS, so the journal
// under test is real SQLite on a real file; only the disk's answer is chosen.
#pragma once

namespace factord::testing {

class full_disk {
public:
  // Registers the VFS once per process; later calls do nothing.
  static void install();
  // While true, every write to any SQLite file of the process fails as a full disk.
  static void set_full(bool full) noexcept;
  // Writes refused since the process started.
  static unsigned long refused_writes() noexcept;
};

// Fills the disk for as long as it lives.
struct disk_full_scope {
  disk_full_scope() { full_disk::set_full(true); }
  ~disk_full_scope() { full_disk::set_full(false); }
  disk_full_scope(const disk_full_scope&) = delete;
  disk_full_scope& operator=(const disk_full_scope&) = delete;
};

} // namespace factord::testing
