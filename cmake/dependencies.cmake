# Every third-party library VIGIL links, found once here. packaging/bootstrap.sh installs them.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CURL REQUIRED)
find_package(LibArchive REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)        # gzip/deflate payloads in the exfiltration proof
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)  # the sandbox helper's filter
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)        # the helper's eBPF tracer (CO-RE skeletons)
pkg_check_modules(GVC REQUIRED IMPORTED_TARGET libgvc libcgraph)  # graph layout (dot, sfdp)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)     # line diffs of package files (git_diff_buffers)
find_package(Boost 1.74 REQUIRED)   # header-only: Boost.Asio's thread_pool under the job pool
find_package(CLI11 REQUIRED)       # vigil-cli subcommands and flags
if(VIGIL_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VIGIL_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
if(VIGIL_BUILD_GUI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Concurrent Core Gui Qml Quick QuickControls2 Svg Test)
  pkg_check_modules(QPDF REQUIRED IMPORTED_TARGET libqpdf)  # PDF report outline (Qt 6.4 writes none)
endif()
