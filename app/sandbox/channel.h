// @brief The helper's side of the engine connection: framed sends and the one request receive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/sandbox/protocol.h"

namespace vigil::sandbox {

struct FileChange;
struct BaitToken;

/// Sends one packet: header + the concatenated parts. False when the engine is gone.
bool sendMessage(int fd, uint16_t type, const void* a, size_t aLen, const void* b = nullptr, size_t bLen = 0);

bool sendError(int fd, uint32_t code, const std::string& primary, const std::string& secondary);
bool sendReady(int fd, const vigil_ready& ready);
bool sendOutput(int fd, uint32_t stream, const char* data, size_t len);
bool sendResult(int fd, const vigil_result& result);
/// Sends the changes in as many VIGIL_MSG_CHANGES packets as the size limit needs.
bool sendChanges(int fd, const std::vector<FileChange>& changes);

/// Sends the run's honeytokens in as many VIGIL_MSG_BAIT packets as the size limit needs.
bool sendBait(int fd, const std::vector<BaitToken>& tokens);

/// Receives one packet (blocking) into `out`; false on EOF or error. A packet larger than the
/// protocol maximum is reported with `truncated` so the caller can refuse it.
bool receivePacket(int fd, std::vector<uint8_t>& out, bool& truncated);

}  // namespace vigil::sandbox
