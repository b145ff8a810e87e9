// @brief Stage 3: the sandbox's network namespace. For now only loopback; the honeypot route comes later.
#pragma once

namespace vigil::sandbox {

/// Brings `lo` up in the current (new, empty) network namespace with ioctl(SIOCSIFFLAGS).
void bringUpLoopback();

}  // namespace vigil::sandbox
