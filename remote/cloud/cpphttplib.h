#pragma once
// The one way to include cpp-httplib here. Debian 12 ships it as a compiled library
// (libcpp-httplib.so, "split" header) built with OpenSSL, zlib and Brotli support; those macros
// change the layout of httplib's classes, so every TU must see the same ones the library was
// built with (its pkg-config Cflags) or client and server objects would not match the .so.
// Only plain HTTP is used; the TLS parts are merely declared.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#include <httplib.h>
