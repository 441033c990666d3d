// rivulet-launcher: the first part of a standalone executable made by `rivulet export
// --standalone`. The payload after it (engine/export/payload.h describes the format) holds an
// exported bundle: the engine, its libraries, the apps and their config. At each start the
// launcher checks the payload's SHA-256, extracts it once into a cache folder named after that
// hash, and runs the bundle's engine with the bundle's arguments and then its own.
//
// It links only the C library and zlib, statically, so it starts on any x86-64 Linux.

#include "sha256.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr char kMagic[] = "RIVULET-PAYLOAD1";
constexpr int kTrailerSize = 64;
constexpr int kCorrupt = 2;

[[noreturn]] void fail(const std::string &message, int code = kCorrupt)
{
    std::fprintf(stderr, "rivulet: %s\n", message.c_str());
    std::exit(code);
}

uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

uint32_t le32(const unsigned char *p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

bool readAll(int fd, void *buffer, size_t size)
{
    auto *p = static_cast<unsigned char *>(buffer);
    while (size > 0) {
        const ssize_t n = ::read(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool writeAll(int fd, const unsigned char *p, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= size_t(n);
    }
    return true;
}

bool makePath(const std::string &path)
{
    for (size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            const std::string part = path.substr(0, i);
            if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
                return false;
        }
    }
    return true;
}

bool safeRelative(const std::string &path)
{
    if (path.empty() || path[0] == '/')
        return false;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        const std::string part = path.substr(start, end - start);
        if (part.empty() || part == "." || part == "..")
            return false;
        start = end + 1;
    }
    return true;
}

int removeEntry(const char *path, const struct stat *, int, struct FTW *)
{
    return ::remove(path);
}

std::string cacheBase()
{
    if (const char *dir = std::getenv("RIVULET_STANDALONE_DIR"); dir && *dir)
        return dir;
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/rivulet/standalone";
    if (const char *home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/rivulet/standalone";
    return "/tmp/rivulet-standalone-" + std::to_string(::getuid());
}

struct Payload
{
    int fd = -1;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint64_t count = 0;
    std::string hex;
};

Payload openPayload(const char *self)
{
    Payload p;
    p.fd = ::open(self, O_RDONLY | O_CLOEXEC);
    if (p.fd < 0)
        fail(std::string("cannot read this program (") + self + "): " + std::strerror(errno));
    struct stat st
    {};
    if (::fstat(p.fd, &st) != 0 || st.st_size < kTrailerSize)
        fail("this program has no payload: it is the launcher that `rivulet export "
             "--standalone` copies");
    unsigned char trailer[kTrailerSize];
    if (::pread(p.fd, trailer, kTrailerSize, st.st_size - kTrailerSize) != kTrailerSize)
        fail("cannot read the payload trailer");
    if (std::memcmp(trailer, kMagic, 16) != 0)
        fail("this program has no payload: it is the launcher that `rivulet export "
             "--standalone` copies (or the file was cut short)");
    p.size = le64(trailer + 16);
    p.count = le64(trailer + 24);
    if (p.size > uint64_t(st.st_size) - kTrailerSize)
        fail("the embedded payload is corrupt (its size is larger than the file): export the "
             "standalone executable again");
    p.offset = uint64_t(st.st_size) - kTrailerSize - p.size;

    Rivulet::Launcher::Sha256 sha;
    std::vector<unsigned char> buffer(1 << 20);
    if (::lseek(p.fd, off_t(p.offset), SEEK_SET) < 0)
        fail("cannot read the payload");
    for (uint64_t left = p.size; left > 0;) {
        const size_t n = left < buffer.size() ? size_t(left) : buffer.size();
        if (!readAll(p.fd, buffer.data(), n))
            fail("cannot read the payload");
        sha.add(buffer.data(), n);
        left -= n;
    }
    unsigned char digest[32];
    sha.finish(digest);
    if (std::memcmp(digest, trailer + 32, 32) != 0)
        fail("the embedded payload is corrupt (SHA-256 mismatch): the file was damaged or "
             "changed after export; export the standalone executable again");
    static const char hexDigits[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) {
        p.hex += hexDigits[digest[i] >> 4];
        p.hex += hexDigits[digest[i] & 15];
    }
    return p;
}

void extract(const Payload &p, const std::string &target)
{
    if (::lseek(p.fd, off_t(p.offset), SEEK_SET) < 0)
        fail("cannot read the payload");
    std::vector<unsigned char> stored;
    std::vector<unsigned char> raw;
    for (uint64_t i = 0; i < p.count; ++i) {
        unsigned char head[4];
        if (!readAll(p.fd, head, 4))
            fail("the embedded payload is corrupt (entry header)");
        std::string path(le32(head), '\0');
        unsigned char rest[4 + 1 + 8 + 8];
        if (path.size() > 4096 || !readAll(p.fd, path.data(), path.size())
            || !readAll(p.fd, rest, sizeof rest))
            fail("the embedded payload is corrupt (entry header)");
        if (!safeRelative(path))
            fail("the embedded payload names an unsafe path: " + path);
        const uint32_t mode = le32(rest) & 0777;
        const int compression = rest[4];
        const uint64_t rawSize = le64(rest + 5);
        const uint64_t storedSize = le64(rest + 13);
        stored.resize(storedSize);
        if (!readAll(p.fd, stored.data(), storedSize))
            fail("the embedded payload is corrupt (entry " + path + ")");
        const unsigned char *data = stored.data();
        if (compression == 1) {
            raw.resize(rawSize);
            uLongf length = uLongf(rawSize);
            if (::uncompress(raw.data(), &length, stored.data(), uLong(storedSize)) != Z_OK
                || length != rawSize)
                fail("the embedded payload is corrupt (cannot inflate " + path + ")");
            data = raw.data();
        } else if (compression != 0 || rawSize != storedSize) {
            fail("the embedded payload is corrupt (entry " + path + ")");
        }
        const std::string file = target + "/" + path;
        const size_t slash = file.rfind('/');
        if (!makePath(file.substr(0, slash)))
            fail("cannot create " + file.substr(0, slash) + ": " + std::strerror(errno), 1);
        const int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (out < 0 || !writeAll(out, data, size_t(rawSize)) || ::close(out) != 0)
            fail("cannot write " + file + ": " + std::strerror(errno), 1);
    }
}

} // namespace

int main(int argc, char **argv)
{
    const Payload payload = openPayload("/proc/self/exe");
    const std::string base = cacheBase();
    const std::string dir = base + "/" + payload.hex.substr(0, 16);
    const std::string complete = dir + "/.complete";

    if (argc > 1 && std::strcmp(argv[1], "--payload-info") == 0) {
        std::printf("payload: %llu bytes, %llu files, sha256 %s\nextracted to: %s\n",
                    static_cast<unsigned long long>(payload.size),
                    static_cast<unsigned long long>(payload.count), payload.hex.c_str(),
                    dir.c_str());
        return 0;
    }

    if (::access(complete.c_str(), F_OK) != 0) {
        if (!makePath(base))
            fail("cannot create " + base + ": " + std::strerror(errno)
                     + " (set RIVULET_STANDALONE_DIR to a writable folder)",
                 1);
        const std::string tmp = dir + ".tmp-" + std::to_string(::getpid());
        ::nftw(tmp.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
        extract(payload, tmp);
        const int marker = ::open((tmp + "/.complete").c_str(), O_WRONLY | O_CREAT, 0644);
        if (marker < 0)
            fail("cannot write " + tmp + "/.complete: " + std::strerror(errno), 1);
        ::close(marker);
        if (::rename(tmp.c_str(), dir.c_str()) != 0) {
            // Another start extracted the same payload first (or an old broken copy is in
            // the way): keep a complete one.
            ::nftw(tmp.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
            if (::access(complete.c_str(), F_OK) != 0)
                fail("cannot move the extracted payload to " + dir + ": " + std::strerror(errno),
                     1);
        }
    }
    ::close(payload.fd);

    // The bundle's own arguments, one a line, @BUNDLE@ standing for the extracted folder.
    std::vector<std::string> args{dir + "/bin/rivulet"};
    if (FILE *f = std::fopen((dir + "/standalone.args").c_str(), "r")) {
        char line[4096];
        while (std::fgets(line, sizeof line, f)) {
            std::string arg(line);
            while (!arg.empty() && (arg.back() == '\n' || arg.back() == '\r'))
                arg.pop_back();
            if (arg.empty())
                continue;
            if (arg.rfind("@BUNDLE@", 0) == 0)
                arg = dir + arg.substr(8);
            args.push_back(arg);
        }
        std::fclose(f);
    }
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    std::vector<char *> cargs;
    for (std::string &a : args)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);
    ::execv(cargs[0], cargs.data());
    fail("cannot start " + args[0] + ": " + std::strerror(errno), 1);
}
