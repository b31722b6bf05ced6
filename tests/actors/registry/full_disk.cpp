#include "registry/full_disk.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace factord::testing {

namespace {

std::atomic<bool> disk_is_full{false};
std::atomic<unsigned long> refused{0};
sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs shim_vfs;

// Our file: the real VFS's file follows it in the same allocation (szOsFile covers both).
struct shim_file {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<shim_file*>(f)->real; }

int shim_close(sqlite3_file* f) { return real_of(f)->pMethods->xClose(real_of(f)); }
int shim_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 offset) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, n, offset);
}
int shim_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 offset) {
  if (disk_is_full.load()) {
    ++refused;
    return SQLITE_FULL;
  }
  return real_of(f)->pMethods->xWrite(real_of(f), buf, n, offset);
}
int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int shim_sync(sqlite3_file* f, int flags) { return real_of(f)->pMethods->xSync(real_of(f), flags); }
int shim_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int shim_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int shim_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int shim_check_reserved(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int shim_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int shim_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int shim_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int shim_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int shim_shm_unmap(sqlite3_file* f, int remove) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), remove);
}
int shim_fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  return real_of(f)->pMethods->xFetch(real_of(f), offset, n, out);
}
int shim_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return real_of(f)->pMethods->xUnfetch(real_of(f), offset, p);
}

// Version 3, as the unix VFS's own methods (checked in shim_open).
const sqlite3_io_methods shim_methods = {3,
                                         shim_close,
                                         shim_read,
                                         shim_write,
                                         shim_truncate,
                                         shim_sync,
                                         shim_file_size,
                                         shim_lock,
                                         shim_unlock,
                                         shim_check_reserved,
                                         shim_file_control,
                                         shim_sector_size,
                                         shim_device,
                                         shim_shm_map,
                                         shim_shm_lock,
                                         shim_shm_barrier,
                                         shim_shm_unmap,
                                         shim_fetch,
                                         shim_unfetch};

int shim_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<shim_file*>(f);
  file->base.pMethods = nullptr;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  int rc = real_vfs->xOpen(real_vfs, name, file->real, flags, out_flags);
  if (rc == SQLITE_OK && file->real->pMethods) {
    if (file->real->pMethods->iVersion < 3) std::abort(); // the forwarding above needs all of them
    file->base.pMethods = &shim_methods;
  }
  return rc;
}

} // namespace

void full_disk::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    std::memcpy(&shim_vfs, real_vfs, sizeof shim_vfs);
    shim_vfs.zName = "factord-full-disk";
    shim_vfs.pNext = nullptr;
    shim_vfs.szOsFile = static_cast<int>(sizeof(shim_file)) + real_vfs->szOsFile;
    shim_vfs.xOpen = shim_open;
    if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK) std::abort();
  });
}

void full_disk::set_full(bool full) noexcept { disk_is_full.store(full); }

unsigned long full_disk::refused_writes() noexcept { return refused.load(); }

} // namespace factord::testing
