// libFuzzer target for the protocol decoders: a WebSocket frame as text goes through
// Envelope::parse, then through every request and event decoder (PROTOCOL.md §2, §3) and the
// Validation functions. A decoded value must survive toJson() -> fromJson() unchanged.
#include "common/ConvRef.h"
#include "common/Conversations.h"
#include "common/Envelope.h"
#include "common/Events.h"
#include "common/Groups.h"
#include "common/HttpTypes.h"
#include "common/Message.h"
#include "common/Presence.h"
#include "common/Requests.h"
#include "common/Validation.h"

#include <QJsonArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace confab;

[[noreturn]] void fail(const char *what, const char *type)
{
    std::fprintf(stderr, "protocol_fuzzer: %s (%s)\n", what, type);
    std::abort();
}

// Decodes `json` as T; what decodes must encode and decode again to an equal value.
template<typename T>
void roundTrip(const QJsonObject &json, const char *name)
{
    const auto decoded = T::fromJson(json);
    if (!decoded) {
        if (decoded.error().message.isEmpty())
            fail("an error without a message", name);
        return;
    }
    const auto again = T::fromJson(decoded.value().toJson());
    if (!again)
        fail("toJson() of a decoded value does not decode", name);
    if (!(again.value() == decoded.value()))
        fail("toJson() -> fromJson() changed the value", name);
}

void decodeAll(const QJsonObject &json)
{
    // What a client sends.
    roundTrip<AuthRequest>(json, "auth");
    roundTrip<SendRequest>(json, "send");
    roundTrip<SyncRequest>(json, "sync");
    roundTrip<AckRequest>(json, "ack");
    roundTrip<HistoryRequest>(json, "history");
    roundTrip<PingRequest>(json, "ping");
    roundTrip<ConversationsRequest>(json, "conversations");
    roundTrip<ReadMarker>(json, "read");
    roundTrip<GroupCreateRequest>(json, "group.create");
    roundTrip<GroupAddRequest>(json, "group.add");
    roundTrip<GroupRemoveRequest>(json, "group.remove");
    roundTrip<GroupLeaveRequest>(json, "group.leave");
    roundTrip<GroupRenameRequest>(json, "group.rename");
    roundTrip<ContactRequest>(json, "contacts.add/remove");
    roundTrip<PresenceQueryRequest>(json, "presence.query");
    // What the server sends (the client decodes these).
    roundTrip<WelcomeEvent>(json, "welcome");
    roundTrip<SentEvent>(json, "sent");
    roundTrip<MsgEvent>(json, "msg");
    roundTrip<SyncPage>(json, "sync page");
    roundTrip<HistoryPage>(json, "history page");
    roundTrip<ErrorEvent>(json, "error");
    roundTrip<PongEvent>(json, "pong");
    roundTrip<Message>(json, "message");
    roundTrip<InboxEntry>(json, "inbox entry");
    roundTrip<ConversationSummary>(json, "conversation summary");
    roundTrip<ConversationsPage>(json, "conversations page");
    roundTrip<GroupInfo>(json, "group info");
    roundTrip<GroupEvent>(json, "group event");
    roundTrip<GroupRemovedEvent>(json, "group.removed");
    roundTrip<GroupsEvent>(json, "groups");
    roundTrip<OkEvent>(json, "ok");
    roundTrip<PresenceInfo>(json, "presence info");
    roundTrip<ContactInfo>(json, "contact info");
    roundTrip<ContactsEvent>(json, "contacts");
    roundTrip<PresenceEvent>(json, "presence");
    roundTrip<PresenceResultEvent>(json, "presence.result");
    // HTTP bodies (PROTOCOL.md §2).
    roundTrip<RegisterRequest>(json, "register");
    roundTrip<UserInfo>(json, "user");
    roundTrip<LoginRequest>(json, "login");
    roundTrip<LoginResponse>(json, "login response");
    roundTrip<DeviceInfo>(json, "device");
    roundTrip<MeResponse>(json, "me");
    roundTrip<DiscoveryResponse>(json, "discovery");
    (void)apiErrorFromJson(json);
}

// The validation functions on every string the frame holds.
void validateString(const QString &text)
{
    if (const auto name = validation::normalizeUsername(text)) {
        if (!validation::isValidUsername(*name) || validation::normalizeUsername(*name) != name)
            fail("a normalised username is not stable", "username");
    }
    (void)validation::isValidPassword(text);
    const auto count = validation::codePointCount(text);
    if (count && *count > text.size())
        fail("more code points than UTF-16 units", "codePointCount");
    (void)validation::isBlank(text);
    (void)validation::checkBody(text);
    (void)validation::isValidLabel(text, 64);
    (void)validation::isValidRequestId(text);
    (void)validation::isValidClientId(text);
    if (const auto id = validation::parseDecimalId(text)) {
        if (validation::decimalId(*id) != text)
            fail("a decimal id does not print back as sent", "parseDecimalId");
    }
    if (const auto conv = ConvRef::parse(text)) {
        if (ConvRef::parse(conv->toString()) != conv)
            fail("a conversation reference does not parse back", "ConvRef");
    }
}

void validateStrings(const QJsonValue &value, int depth)
{
    if (depth > 8)
        return;
    if (value.isString()) {
        validateString(value.toString());
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array)
            validateStrings(item, depth + 1);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            validateString(it.key());
            validateStrings(it.value(), depth + 1);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Envelope envelope = Envelope::parse(text);
    if (envelope.error) {
        if (envelope.error->code != ErrorCode::BadRequest)
            fail("a malformed frame is not bad_request", "envelope");
        (void)envelope.requestId();
        return 0;
    }
    if (envelope.type.isEmpty())
        fail("an accepted envelope without a type", "envelope");
    decodeAll(envelope.object);
    validateStrings(envelope.object, 0);
    validateString(text);
    return 0;
}
