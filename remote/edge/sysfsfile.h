#pragma once
#include "remote/edge/boardhal.h"

#include <cstdint>
#include <string>
#include <vector>

// Small helpers for sysfs/debugfs attribute files. Every failure becomes a HalError that names
// the file, the errno text and, for permission problems, what the user can do about it.
namespace dvfo::sysfs {

// "cannot <action> <path>: <strerror> (errno N)" plus a hint for EACCES/EPERM/ENOENT/EINVAL.
std::string errnoMessage(const std::string& action, const std::string& path, int err);

bool exists(const std::string& path);
bool isDirectory(const std::string& path);
// Sorted names of the entries of a directory (symlinks included); empty when it is missing.
std::vector<std::string> listDir(const std::string& path);

// Whole file content, unmodified.
std::string readFile(const std::string& path);
// Content without surrounding whitespace and NULs (device-tree strings end in '\0').
std::string readTrimmed(const std::string& path);
// Writes value as one write(2), the way `echo -n value > path` does.
void writeFile(const std::string& path, const std::string& value);

std::string trim(const std::string& s);
// Strict parsers: the whole (trimmed) content must be the number(s). Throw HalError quoting the
// file and the content so a broken driver never shows up as a silent 0.
int64_t parseInt64(const std::string& content, const std::string& path);
double parseDouble(const std::string& content, const std::string& path);
std::vector<int64_t> parseInt64List(const std::string& content, const std::string& path);
int64_t readInt64(const std::string& path);
double readDouble(const std::string& path);

} // namespace dvfo::sysfs
