# Cross-compiling edgebench for aarch64 (64-bit Arm Linux) with Debian's
# gcc-aarch64-linux-gnu, against a sysroot of Debian arm64 packages that
# tools/cross-aarch64.sh downloads and unpacks (never installed on the host).
#
#   cmake -S . -B build-aarch64 \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake -DEB_SYSROOT=/path/to/sysroot
#
# Libraries and headers come only from the sysroot; programs (protoc-c, the
# code generator) come only from the host. Tests built here run through
# qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR), so `ctest` works on an x86
# machine with qemu-user installed.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT EB_SYSROOT)
  set(EB_SYSROOT "$ENV{EB_SYSROOT}")
endif()
if(NOT EB_SYSROOT OR NOT EXISTS "${EB_SYSROOT}/usr/include")
  message(FATAL_ERROR "toolchain-aarch64: set EB_SYSROOT to an arm64 sysroot "
                      "(tools/cross-aarch64.sh makes one); got '${EB_SYSROOT}'")
endif()
# Try-compile projects get the variable too, or they fail the check above.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EB_SYSROOT)

set(EB_CROSS_PREFIX aarch64-linux-gnu-)
set(CMAKE_C_COMPILER ${EB_CROSS_PREFIX}gcc)
# C++ only for the armnn delegate's shim (backends/armnn): without
# g++-aarch64-linux-gnu that plugin is not built, everything else is.
find_program(EB_CROSS_CXX ${EB_CROSS_PREFIX}g++)
if(EB_CROSS_CXX)
  set(CMAKE_CXX_COMPILER ${EB_CROSS_CXX})
endif()
set(CMAKE_AR ${EB_CROSS_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${EB_CROSS_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_SYSROOT "${EB_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${EB_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Debian's arm64 libraries live in the multiarch directory; libhdf5 one
# level further down. The runtime linker of the sysroot resolves them when
# linking executables (-rpath-link), as it would on the board.
set(EB_MULTIARCH "${EB_SYSROOT}/usr/lib/aarch64-linux-gnu")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-Wl,-rpath-link,${EB_MULTIARCH} -Wl,-rpath-link,${EB_SYSROOT}/lib/aarch64-linux-gnu")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")

# pkg-config answers for the sysroot, not for the host.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${EB_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
    "${EB_MULTIARCH}/pkgconfig:${EB_SYSROOT}/usr/lib/pkgconfig:${EB_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Tests of this build run under user-mode emulation with the sysroot's
# dynamic loader and libraries.
find_program(EB_QEMU_AARCH64 qemu-aarch64)
if(EB_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${EB_QEMU_AARCH64};-L;${EB_SYSROOT}")
endif()
