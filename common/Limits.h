// Limits of the protocol that both sides enforce (PROTOCOL.md).
#pragma once

#include <QtGlobal>

namespace confab::limits {

inline constexpr int kMaxBodyCodePoints = 99'999;
inline constexpr int kMaxGroupMembers = 100;
inline constexpr int kMaxRequestIdChars = 64;
inline constexpr int kMaxClientIdChars = 64;
inline constexpr int kMinUsernameChars = 3;
inline constexpr int kMaxUsernameChars = 32;
inline constexpr int kMinPasswordChars = 8;
// argon2 hashing cost grows with the input; nobody needs a longer password than this.
inline constexpr int kMaxPasswordChars = 1024;
inline constexpr int kMaxDisplayNameChars = 64;
inline constexpr int kMaxDeviceNameChars = 64;
inline constexpr int kMaxGroupNameChars = 64;
// presence.query and contact lists: enough for a full group and then some.
inline constexpr int kMaxPresenceQuery = 500;
inline constexpr int kDefaultConversationsLimit = 50;
inline constexpr int kMaxConversationsLimit = 500;
// A maximal body, every code point escaped as a surrogate pair of \uXXXX (12 bytes), plus the
// envelope fits well under this; PROTOCOL.md §1 asks for at least 2 MiB.
inline constexpr qint64 kMaxFrameBytes = 2 * 1024 * 1024;
// No request of the protocol nests arrays and objects deeper than a few levels; deeper JSON is
// refused before it is parsed.
inline constexpr int kMaxJsonNesting = 32;
inline constexpr int kDefaultSyncLimit = 100;
inline constexpr int kMaxSyncLimit = 1000;
inline constexpr int kDefaultHistoryLimit = 50;
inline constexpr int kMaxHistoryLimit = 500;

} // namespace confab::limits
