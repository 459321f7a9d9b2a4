// Unit tests of the JSON codecs of libconfab-common: every value type against the exact wire
// shapes of PROTOCOL.md, decode failures, and the Envelope of a WebSocket frame.
#include "common/ConvRef.h"
#include "common/Envelope.h"
#include "common/ErrorCode.h"
#include "common/Events.h"
#include "common/HttpTypes.h"
#include "common/Limits.h"
#include "common/Message.h"
#include "common/Requests.h"
#include "common/Result.h"
#include "tests/common/RoundTrip.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::test;

namespace QTest {
template<>
char *toString(const confab::ErrorCode &code)
{
    return qstrdup(confab::wireName(code).toUtf8().constData());
}
} // namespace QTest

// The two messages of the examples, as literals so they can be spliced into bigger literals.
#define BOB_MESSAGE                                                                                \
    R"({"id":"7151182512443392","conv":"user:bob","from":"alice","body":"hi",)"                    \
    R"("ts":1764000000000,"conv_seq":"12","client_id":"3f0c"})"
#define GROUP_MESSAGE                                                                              \
    R"({"id":"7151182512443393","conv":"group:42","from":"carol","body":"hello team",)"            \
    R"("ts":1764000000001,"conv_seq":"3","client_id":"9a1b"})"

namespace {

const char32_t kGrinning = 0x1F600; // 😀, outside the BMP: two UTF-16 units

QString repeated(char32_t ch, qsizetype count)
{
    return QString::fromUcs4(&ch, 1).repeated(count);
}

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

Message bobMessage()
{
    return Message { .id = 7151182512443392,
                     .conv = u"user:bob"_s,
                     .from = u"alice"_s,
                     .body = u"hi"_s,
                     .ts = 1764000000000,
                     .convSeq = 12,
                     .clientId = u"3f0c"_s };
}

Message groupMessage()
{
    return Message { .id = 7151182512443393,
                     .conv = u"group:42"_s,
                     .from = u"carol"_s,
                     .body = u"hello team"_s,
                     .ts = 1764000000001,
                     .convSeq = 3,
                     .clientId = u"9a1b"_s };
}

// Decodes as one of the value types and encodes the result again, so data-driven tests can
// handle every type alike.
using Codec = Result<QJsonObject> (*)(const QJsonObject &);

template<typename T>
Result<QJsonObject> decodeThenEncode(const QJsonObject &json)
{
    const Result<T> decoded = T::fromJson(json);
    if (!decoded)
        return decoded.error();
    return decoded->toJson();
}

Codec codecFor(const QString &kind)
{
    static const QHash<QString, Codec> codecs {
        { u"Message"_s, &decodeThenEncode<Message> },
        { u"InboxEntry"_s, &decodeThenEncode<InboxEntry> },
        { u"AuthRequest"_s, &decodeThenEncode<AuthRequest> },
        { u"SendRequest"_s, &decodeThenEncode<SendRequest> },
        { u"SyncRequest"_s, &decodeThenEncode<SyncRequest> },
        { u"AckRequest"_s, &decodeThenEncode<AckRequest> },
        { u"HistoryRequest"_s, &decodeThenEncode<HistoryRequest> },
        { u"PingRequest"_s, &decodeThenEncode<PingRequest> },
        { u"WelcomeEvent"_s, &decodeThenEncode<WelcomeEvent> },
        { u"SentEvent"_s, &decodeThenEncode<SentEvent> },
        { u"MsgEvent"_s, &decodeThenEncode<MsgEvent> },
        { u"SyncPage"_s, &decodeThenEncode<SyncPage> },
        { u"HistoryPage"_s, &decodeThenEncode<HistoryPage> },
        { u"ErrorEvent"_s, &decodeThenEncode<ErrorEvent> },
        { u"PongEvent"_s, &decodeThenEncode<PongEvent> },
        { u"RegisterRequest"_s, &decodeThenEncode<RegisterRequest> },
        { u"UserInfo"_s, &decodeThenEncode<UserInfo> },
        { u"LoginRequest"_s, &decodeThenEncode<LoginRequest> },
        { u"LoginResponse"_s, &decodeThenEncode<LoginResponse> },
        { u"DeviceInfo"_s, &decodeThenEncode<DeviceInfo> },
        { u"MeResponse"_s, &decodeThenEncode<MeResponse> },
        { u"DiscoveryResponse"_s, &decodeThenEncode<DiscoveryResponse> },
    };
    return codecs.value(kind);
}

QByteArray sendWithBody(const QString &body)
{
    return compact(QJsonObject { { "type"_L1, "send"_L1 },
                                 { "client_id"_L1, "c1"_L1 },
                                 { "to"_L1, "user:bob"_L1 },
                                 { "body"_L1, body } });
}

} // namespace

class TestCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Round trips against the literal wire shapes.
    void message();
    void messageUnicodeBody();
    void messageIdsAsJsonNumbers();
    void inboxEntry();
    void authRequest();
    void sendRequest();
    void sendRequestToGroup();
    void sendRequestNormalizesRecipient();
    void syncRequest();
    void syncRequestDefaults();
    void ackRequest();
    void historyRequest();
    void historyRequestFromNewest();
    void pingRequest();
    void welcomeEvent();
    void sentEvent();
    void sentEventWithoutId();
    void msgEvent();
    void syncPage();
    void syncPageEmpty();
    void historyPage();
    void errorEvent();
    void errorEventWithoutId();
    void errorEventEchoesNonStringId();
    void errorEventUnknownCode();
    void pongEvent();
    void pongEventWithoutId();
    void registerRequest();
    void registerRequestWithoutDisplayName();
    void registerRequestNormalizes();
    void userInfo();
    void loginRequest();
    void loginRequestTrimsDeviceName();
    void loginResponse();
    void deviceInfo();
    void deviceInfoNeverConnected();
    void meResponse();
    void discoveryResponse();
    void apiError();
    void notAnApiError_data();
    void notAnApiError();

    // Decoding.
    void decodeFailure_data();
    void decodeFailure();
    void unknownFieldsIgnored_data();
    void unknownFieldsIgnored();
    void sendBodyLimit_data();
    void sendBodyLimit();

    // Envelope.
    void envelope_data();
    void envelope();
    void envelopeLongIdIsEchoed();
    void envelopeMaximalEscapedBody();
};

void TestCodec::message()
{
    Message decoded;
    roundTrip(BOB_MESSAGE, bobMessage(), decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.id, Q_INT64_C(7151182512443392));
    QCOMPARE(decoded.conv, u"user:bob"_s);
    QCOMPARE(decoded.from, u"alice"_s);
    QCOMPARE(decoded.body, u"hi"_s);
    QCOMPARE(decoded.ts, Q_INT64_C(1764000000000));
    QCOMPARE(decoded.convSeq, Q_INT64_C(12));
    QCOMPARE(decoded.clientId, u"3f0c"_s);
}

void TestCodec::messageUnicodeBody()
{
    Message expected = groupMessage();
    expected.body = u"h\u00e9 "_s + repeated(kGrinning, 1) + u" \"q\"\n\\"_s;
    Message decoded;
    roundTrip(R"({"id":"7151182512443393","conv":"group:42","from":"carol",)"
              R"("body":"h\u00e9 \ud83d\ude00 \"q\"\n\\","ts":1764000000001,"conv_seq":"3",)"
              R"("client_id":"9a1b"})",
              expected, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.body.size(), 11);
    QCOMPARE(decoded.body.at(3).isHighSurrogate(), true);
}

void TestCodec::messageIdsAsJsonNumbers()
{
    // Lenient decoding: ids and sequence numbers as JSON numbers (up to 2^53 - 1) are accepted
    // and re-encoded as decimal strings.
    const QJsonObject json =
        parseObject(R"({"id":7151182512443392,"conv":"user:bob","from":"alice","body":"hi",)"
                    R"("ts":1764000000000,"conv_seq":12,"client_id":"3f0c"})");
    QVERIFY(!json.isEmpty());
    const Result<Message> decoded = Message::fromJson(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded)));
    QVERIFY(decoded.value() == bobMessage());
    QCOMPARE(decoded->toJson(), parseObject(BOB_MESSAGE));
    QCOMPARE(decoded->toJson().value("id"_L1), QJsonValue(u"7151182512443392"_s));

    // The largest safe JSON integer, 2^53 - 1, is still read exactly.
    const Result<AckRequest> ack =
        AckRequest::fromJson(parseObject(R"({"type":"ack","seq":9007199254740991})"));
    QVERIFY2(ack.ok(), qPrintable(describe(ack)));
    QCOMPARE(ack->seq, Q_INT64_C(9007199254740991));
    QCOMPARE(ack->toJson(), parseObject(R"({"type":"ack","seq":"9007199254740991"})"));
}

void TestCodec::inboxEntry()
{
    InboxEntry decoded;
    roundTrip(R"({"seq":"41","message":)" BOB_MESSAGE "}", InboxEntry { 41, bobMessage() },
              decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.seq, Q_INT64_C(41));
    QCOMPARE(decoded.message.id, Q_INT64_C(7151182512443392));
}

void TestCodec::authRequest()
{
    AuthRequest decoded;
    roundTrip(R"({"type":"auth","token":"tok-0123456789abcdef"})",
              AuthRequest { u"tok-0123456789abcdef"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.token, u"tok-0123456789abcdef"_s);
}

void TestCodec::sendRequest()
{
    SendRequest decoded;
    roundTrip(R"({"type":"send","client_id":"c1","to":"user:bob","body":"hi"})",
              SendRequest { u"c1"_s, ConvRef::user(u"bob"_s), u"hi"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.clientId, u"c1"_s);
    QVERIFY(decoded.to.isUser());
    QCOMPARE(decoded.to.username, u"bob"_s);
    QCOMPARE(decoded.body, u"hi"_s);
}

void TestCodec::sendRequestToGroup()
{
    SendRequest decoded;
    roundTrip(R"({"type":"send","client_id":"3f0c","to":"group:42","body":"hello team"})",
              SendRequest { u"3f0c"_s, ConvRef::group(42), u"hello team"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(decoded.to.isGroup());
    QCOMPARE(decoded.to.groupId, Q_INT64_C(42));
}

void TestCodec::sendRequestNormalizesRecipient()
{
    const QJsonObject json =
        parseObject(R"({"type":"send","client_id":"c1","to":"user:Bob","body":"hi"})");
    QVERIFY(!json.isEmpty());
    const Result<SendRequest> decoded = SendRequest::fromJson(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded)));
    QCOMPARE(decoded->to.username, u"bob"_s);
    QCOMPARE(decoded->toJson().value("to"_L1).toString(), u"user:bob"_s);
}

void TestCodec::syncRequest()
{
    SyncRequest decoded;
    roundTrip(R"({"type":"sync","after":"40","limit":500})", SyncRequest { 40, 500 }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.after, Q_INT64_C(40));
    QCOMPARE(decoded.limit, 500);
}

void TestCodec::syncRequestDefaults()
{
    // Without a limit: 0, the server's default; the encoder leaves it out again.
    SyncRequest decoded;
    roundTrip(R"({"type":"sync","after":"0"})", SyncRequest { 0, 0 }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.limit, 0);
    QVERIFY(!decoded.toJson().contains("limit"_L1));
}

void TestCodec::ackRequest()
{
    AckRequest decoded;
    roundTrip(R"({"type":"ack","seq":"58"})", AckRequest { 58 }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.seq, Q_INT64_C(58));
}

void TestCodec::historyRequest()
{
    HistoryRequest decoded;
    roundTrip(R"({"type":"history","conv":"user:bob","before":"13","limit":50})",
              HistoryRequest { ConvRef::user(u"bob"_s), 13, 50 }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.conv, ConvRef::user(u"bob"_s));
    QCOMPARE(decoded.before, std::optional<qint64>(13));
    QCOMPARE(decoded.limit, 50);
}

void TestCodec::historyRequestFromNewest()
{
    HistoryRequest decoded;
    roundTrip(R"({"type":"history","conv":"group:42"})",
              HistoryRequest { ConvRef::group(42), std::nullopt, 0 }, decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!decoded.before.has_value());
    QCOMPARE(decoded.limit, 0);
    QCOMPARE(decoded.conv.groupId, Q_INT64_C(42));
}

void TestCodec::pingRequest()
{
    PingRequest decoded;
    roundTrip(R"({"type":"ping"})", PingRequest {}, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.toJson().value("type"_L1).toString(), u"ping"_s);
}

void TestCodec::welcomeEvent()
{
    const WelcomeEvent expected { .username = u"alice"_s,
                                  .deviceId = 3,
                                  .heartbeatS = 30,
                                  .latestSeq = 57,
                                  .ackedSeq = 40,
                                  .maxBodyChars = limits::kMaxBodyCodePoints,
                                  .maxGroupMembers = limits::kMaxGroupMembers };
    WelcomeEvent decoded;
    roundTrip(R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
              R"("latest_seq":"57","acked_seq":"40",)"
              R"("limits":{"max_body_chars":99999,"max_group_members":100}})",
              expected, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.username, u"alice"_s);
    QCOMPARE(decoded.deviceId, Q_INT64_C(3));
    QCOMPARE(decoded.heartbeatS, 30);
    QCOMPARE(decoded.latestSeq, Q_INT64_C(57));
    QCOMPARE(decoded.ackedSeq, Q_INT64_C(40));
    QCOMPARE(decoded.maxBodyChars, 99'999);
    QCOMPARE(decoded.maxGroupMembers, 100);
}

void TestCodec::sentEvent()
{
    SentEvent decoded;
    roundTrip(R"({"type":"sent","id":"r1","seq":"58","message":)" BOB_MESSAGE "}",
              SentEvent { u"r1"_s, 58, bobMessage() }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.requestId, u"r1"_s);
    QCOMPARE(decoded.seq, Q_INT64_C(58));
    QCOMPARE(decoded.message.clientId, u"3f0c"_s);
}

void TestCodec::sentEventWithoutId()
{
    SentEvent decoded;
    roundTrip(R"({"type":"sent","seq":"58","message":)" BOB_MESSAGE "}",
              SentEvent { QString(), 58, bobMessage() }, decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(decoded.requestId.isEmpty());
    QVERIFY(!decoded.toJson().contains("id"_L1));
}

void TestCodec::msgEvent()
{
    MsgEvent decoded;
    roundTrip(R"({"type":"msg","seq":"58","message":)" GROUP_MESSAGE "}",
              MsgEvent { InboxEntry { 58, groupMessage() } }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.entry.seq, Q_INT64_C(58));
    QCOMPARE(decoded.entry.message.conv, u"group:42"_s);
    QCOMPARE(decoded.entry.message.from, u"carol"_s);
}

void TestCodec::syncPage()
{
    const SyncPage expected {
        u"r2"_s, { InboxEntry { 41, bobMessage() }, InboxEntry { 42, groupMessage() } }, false
    };
    SyncPage decoded;
    roundTrip(R"({"type":"sync","id":"r2","entries":[{"seq":"41","message":)" BOB_MESSAGE
              R"(},{"seq":"42","message":)" GROUP_MESSAGE R"(}],"more":false})",
              expected, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.requestId, u"r2"_s);
    QCOMPARE(decoded.entries.size(), 2);
    QCOMPARE(decoded.entries.at(0).seq, Q_INT64_C(41));
    QCOMPARE(decoded.entries.at(1).seq, Q_INT64_C(42));
    QCOMPARE(decoded.entries.at(1).message.body, u"hello team"_s);
    QCOMPARE(decoded.more, false);
}

void TestCodec::syncPageEmpty()
{
    SyncPage decoded;
    roundTrip(R"({"type":"sync","id":"r2","entries":[],"more":true})",
              SyncPage { u"r2"_s, {}, true }, decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(decoded.entries.isEmpty());
    QCOMPARE(decoded.more, true);
}

void TestCodec::historyPage()
{
    Message older = bobMessage();
    older.id = 7151182512443000;
    older.convSeq = 11;
    older.ts = 1763999999000;
    older.body = u"hello"_s;
    older.clientId = u"aa"_s;
    const HistoryPage expected { u"r3"_s, u"user:bob"_s, { older, bobMessage() }, true };
    HistoryPage decoded;
    roundTrip(R"({"type":"history","id":"r3","conv":"user:bob","messages":[)"
              R"({"id":"7151182512443000","conv":"user:bob","from":"alice","body":"hello",)"
              R"("ts":1763999999000,"conv_seq":"11","client_id":"aa"},)" BOB_MESSAGE
              R"(],"more":true})",
              expected, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.requestId, u"r3"_s);
    QCOMPARE(decoded.conv, u"user:bob"_s);
    QCOMPARE(decoded.messages.size(), 2);
    QCOMPARE(decoded.messages.at(0).convSeq, Q_INT64_C(11));
    QCOMPARE(decoded.messages.at(1).convSeq, Q_INT64_C(12));
    QCOMPARE(decoded.more, true);
}

void TestCodec::errorEvent()
{
    ErrorEvent decoded;
    roundTrip(R"({"type":"error","id":"r1","code":"not_found","message":"no such user"})",
              ErrorEvent { QJsonValue(u"r1"_s), ErrorCode::NotFound, u"no such user"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.requestId, QJsonValue(u"r1"_s));
    QCOMPARE(decoded.code, ErrorCode::NotFound);
    QCOMPARE(decoded.message, u"no such user"_s);
}

void TestCodec::errorEventWithoutId()
{
    ErrorEvent decoded;
    roundTrip(R"({"type":"error","code":"too_large","message":"body too long"})",
              ErrorEvent { QJsonValue::Undefined, ErrorCode::TooLarge, u"body too long"_s },
              decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(decoded.requestId.isUndefined());
    QCOMPARE(decoded.code, ErrorCode::TooLarge);
    QVERIFY(!decoded.toJson().contains("id"_L1));
}

void TestCodec::errorEventEchoesNonStringId()
{
    // An invalid id is echoed exactly as sent (the error is about it).
    ErrorEvent decoded;
    roundTrip(R"({"type":"error","id":5,"code":"bad_request","message":"bad id"})",
              ErrorEvent { QJsonValue(5), ErrorCode::BadRequest, u"bad id"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.requestId, QJsonValue(5));
}

void TestCodec::errorEventUnknownCode()
{
    const QJsonObject json =
        parseObject(R"({"type":"error","id":"r1","code":"from_the_future","message":"?"})");
    QVERIFY(!json.isEmpty());
    const Result<ErrorEvent> decoded = ErrorEvent::fromJson(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded)));
    QCOMPARE(decoded->code, ErrorCode::Internal);
    QCOMPARE(decoded->message, u"?"_s);
}

void TestCodec::pongEvent()
{
    PongEvent decoded;
    roundTrip(R"({"type":"pong","id":"r9"})", PongEvent { u"r9"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.requestId, u"r9"_s);
}

void TestCodec::pongEventWithoutId()
{
    PongEvent decoded;
    roundTrip(R"({"type":"pong"})", PongEvent {}, decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(decoded.requestId.isEmpty());
}

void TestCodec::registerRequest()
{
    RegisterRequest decoded;
    roundTrip(R"({"username":"alice","password":"correct horse","display_name":"Alice A."})",
              RegisterRequest { u"alice"_s, u"correct horse"_s, u"Alice A."_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.username, u"alice"_s);
    QCOMPARE(decoded.password, u"correct horse"_s);
    QCOMPARE(decoded.displayName, u"Alice A."_s);
}

void TestCodec::registerRequestWithoutDisplayName()
{
    RegisterRequest decoded;
    roundTrip(R"({"username":"bob","password":"12345678"})",
              RegisterRequest { u"bob"_s, u"12345678"_s, QString() }, decoded);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(decoded.displayName.isEmpty());
}

void TestCodec::registerRequestNormalizes()
{
    const QJsonObject json = parseObject(
        R"({"username":"Alice","password":"correct horse","display_name":"  Alice  "})");
    QVERIFY(!json.isEmpty());
    const Result<RegisterRequest> decoded = RegisterRequest::fromJson(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded)));
    QCOMPARE(decoded->username, u"alice"_s);
    QCOMPARE(decoded->displayName, u"Alice"_s);
    QCOMPARE(decoded->password, u"correct horse"_s);
}

void TestCodec::userInfo()
{
    UserInfo decoded;
    roundTrip(R"({"username":"bob","display_name":"Bob"})", UserInfo { u"bob"_s, u"Bob"_s },
              decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.username, u"bob"_s);
    QCOMPARE(decoded.displayName, u"Bob"_s);
}

void TestCodec::loginRequest()
{
    LoginRequest decoded;
    roundTrip(R"({"username":"Alice","password":"correct horse","device_name":"laptop"})",
              LoginRequest { u"Alice"_s, u"correct horse"_s, u"laptop"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.username, u"Alice"_s); // as typed; the server normalises
    QCOMPARE(decoded.deviceName, u"laptop"_s);
}

void TestCodec::loginRequestTrimsDeviceName()
{
    const QJsonObject json =
        parseObject(R"({"username":"alice","password":"pw","device_name":" phone\t"})");
    QVERIFY(!json.isEmpty());
    const Result<LoginRequest> decoded = LoginRequest::fromJson(json);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded)));
    QCOMPARE(decoded->deviceName, u"phone"_s);
}

void TestCodec::loginResponse()
{
    LoginResponse decoded;
    roundTrip(R"({"token":"tok-abc","device_id":"7","username":"alice"})",
              LoginResponse { u"tok-abc"_s, 7, u"alice"_s }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.token, u"tok-abc"_s);
    QCOMPARE(decoded.deviceId, Q_INT64_C(7));
    QCOMPARE(decoded.username, u"alice"_s);
}

void TestCodec::deviceInfo()
{
    DeviceInfo decoded;
    roundTrip(R"({"device_id":"3","name":"laptop","created_at":1764000000000,)"
              R"("last_seen_at":1764000100000,"online":true})",
              DeviceInfo { 3, u"laptop"_s, 1764000000000, 1764000100000, true }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.deviceId, Q_INT64_C(3));
    QCOMPARE(decoded.createdAt, Q_INT64_C(1764000000000));
    QCOMPARE(decoded.lastSeenAt, Q_INT64_C(1764000100000));
    QCOMPARE(decoded.online, true);
}

void TestCodec::deviceInfoNeverConnected()
{
    DeviceInfo decoded;
    roundTrip(R"({"device_id":"4","name":"phone","created_at":1764000000000,"online":false})",
              DeviceInfo { 4, u"phone"_s, 1764000000000, 0, false }, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.lastSeenAt, Q_INT64_C(0));
    QCOMPARE(decoded.online, false);
}

void TestCodec::meResponse()
{
    const MeResponse expected { u"alice"_s,
                                u"Alice"_s,
                                { DeviceInfo { 3, u"laptop"_s, 1764000000000, 1764000100000, true },
                                  DeviceInfo { 4, u"phone"_s, 1764000000500, 0, false } } };
    MeResponse decoded;
    roundTrip(R"({"username":"alice","display_name":"Alice","devices":[)"
              R"({"device_id":"3","name":"laptop","created_at":1764000000000,)"
              R"("last_seen_at":1764000100000,"online":true},)"
              R"({"device_id":"4","name":"phone","created_at":1764000000500,"online":false}]})",
              expected, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.username, u"alice"_s);
    QCOMPARE(decoded.devices.size(), 2);
    QCOMPARE(decoded.devices.at(1).name, u"phone"_s);
}

void TestCodec::discoveryResponse()
{
    const DiscoveryResponse expected { { ServerInfo { u"ws://127.0.0.1:8080/ws"_s, 0.25 },
                                         ServerInfo { u"wss://chat.example.org/ws"_s, 0.0 } } };
    DiscoveryResponse decoded;
    roundTrip(R"({"servers":[{"url":"ws://127.0.0.1:8080/ws","load":0.25},)"
              R"({"url":"wss://chat.example.org/ws","load":0.0}]})",
              expected, decoded);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(decoded.servers.size(), 2);
    QCOMPARE(decoded.servers.at(0).url, u"ws://127.0.0.1:8080/ws"_s);
    QCOMPARE(decoded.servers.at(0).load, 0.25);
}

void TestCodec::apiError()
{
    const QJsonObject json =
        parseObject(R"({"error":{"code":"username_taken","message":"alice is taken"}})");
    QVERIFY(!json.isEmpty());
    const Error expected { ErrorCode::UsernameTaken, u"alice is taken"_s };

    const std::optional<Error> decoded = apiErrorFromJson(json);
    QVERIFY(decoded.has_value());
    QCOMPARE(decoded->code, ErrorCode::UsernameTaken);
    QCOMPARE(decoded->message, u"alice is taken"_s);
    QVERIFY(*decoded == expected);
    QCOMPARE(apiErrorJson(*decoded), json);
    QCOMPARE(apiErrorJson(expected), json);

    // A code from a newer server still reads as an error.
    const std::optional<Error> unknown =
        apiErrorFromJson(parseObject(R"({"error":{"code":"teapot","message":"short"}})"));
    QVERIFY(unknown.has_value());
    QCOMPARE(unknown->code, ErrorCode::Internal);
    QCOMPARE(unknown->message, u"short"_s);
}

void TestCodec::notAnApiError_data()
{
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("a success body") << QByteArray(R"({"username":"bob","display_name":"Bob"})");
    QTest::newRow("error is a string") << QByteArray(R"({"error":"boom"})");
    QTest::newRow("error without code") << QByteArray(R"({"error":{"message":"m"}})");
    QTest::newRow("code is a number") << QByteArray(R"({"error":{"code":404}})");
}

void TestCodec::notAnApiError()
{
    QFETCH(QByteArray, json);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(apiErrorFromJson(document.object()), std::nullopt);
}

void TestCodec::decodeFailure_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<ErrorCode>("code");

    const auto row = [](const char *tag, const QString &kind, const QByteArray &json,
                        ErrorCode code = ErrorCode::BadRequest) {
        QTest::addRow("%s: %s", qPrintable(kind), tag) << kind << json << code;
    };

    // Message
    const QString message = u"Message"_s;
    row("id missing", message,
        R"({"conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":"1"})");
    row("id not decimal", message,
        R"({"id":"abc","conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":"1"})");
    row("id negative number", message,
        R"({"id":-1,"conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":"1"})");
    row("id fractional", message,
        R"({"id":1.5,"conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":"1"})");
    // Beyond 2^53 a JSON number may already be rounded (this one reads as 2^53).
    row("id number above 2^53", message,
        R"({"id":9007199254740993,"conv":"user:bob","from":"alice","body":"hi","ts":1,)"
        R"("conv_seq":"1"})");
    row("id boolean", message,
        R"({"id":true,"conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":"1"})");
    row("conv missing", message, R"({"id":"1","from":"alice","body":"hi","ts":1,"conv_seq":"1"})");
    row("from number", message,
        R"({"id":"1","conv":"user:bob","from":7,"body":"hi","ts":1,"conv_seq":"1"})");
    row("body number", message,
        R"({"id":"1","conv":"user:bob","from":"alice","body":5,"ts":1,"conv_seq":"1"})");
    row("ts string", message,
        R"({"id":"1","conv":"user:bob","from":"alice","body":"hi","ts":"1","conv_seq":"1"})");
    row("ts number above 2^53", message,
        R"({"id":"1","conv":"user:bob","from":"alice","body":"hi","ts":9007199254740993,)"
        R"("conv_seq":"1"})");
    row("ts fractional", message,
        R"({"id":"1","conv":"user:bob","from":"alice","body":"hi","ts":1.5,"conv_seq":"1"})");
    row("conv_seq null", message,
        R"({"id":"1","conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":null})");
    row("client_id number", message,
        R"({"id":"1","conv":"user:bob","from":"alice","body":"hi","ts":1,"conv_seq":"1",)"
        R"("client_id":3})");

    // InboxEntry
    const QString inboxEntry = u"InboxEntry"_s;
    row("seq missing", inboxEntry, R"({"message":)" BOB_MESSAGE "}");
    row("seq not decimal", inboxEntry, R"({"seq":"x","message":)" BOB_MESSAGE "}");
    row("message missing", inboxEntry, R"({"seq":"1"})");
    row("message an array", inboxEntry, R"({"seq":"1","message":[]})");
    row("message invalid", inboxEntry, R"({"seq":"1","message":{"id":"1"}})");

    // AuthRequest
    const QString auth = u"AuthRequest"_s;
    row("token missing", auth, R"({"type":"auth"})");
    row("token number", auth, R"({"type":"auth","token":42})");
    row("token null", auth, R"({"type":"auth","token":null})");

    // SendRequest
    const QString send = u"SendRequest"_s;
    row("empty object", send, "{}");
    row("body number", send, R"({"type":"send","client_id":"c1","to":"user:bob","body":5})");
    row("body missing", send, R"({"type":"send","client_id":"c1","to":"user:bob"})");
    row("body empty", send, R"({"type":"send","client_id":"c1","to":"user:bob","body":""})");
    row("body white space", send,
        R"({"type":"send","client_id":"c1","to":"user:bob","body":" \t\n\u00a0\u3000\u2028"})");
    row("body lone surrogate", send,
        R"({"type":"send","client_id":"c1","to":"user:bob","body":"hi\ud800"})");
    row("to number", send, R"({"type":"send","client_id":"c1","to":42,"body":"hi"})");
    row("to missing", send, R"({"type":"send","client_id":"c1","body":"hi"})");
    row("to without kind", send, R"({"type":"send","client_id":"c1","to":"bob","body":"hi"})");
    row("to user:", send, R"({"type":"send","client_id":"c1","to":"user:","body":"hi"})");
    row("to group:x", send, R"({"type":"send","client_id":"c1","to":"group:x","body":"hi"})");
    row("to chan:x", send, R"({"type":"send","client_id":"c1","to":"chan:x","body":"hi"})");
    row("client_id missing", send, R"({"type":"send","to":"user:bob","body":"hi"})");
    row("client_id empty", send, R"({"type":"send","client_id":"","to":"user:bob","body":"hi"})");
    row("client_id number", send, R"({"type":"send","client_id":1,"to":"user:bob","body":"hi"})");
    row("client_id 65 chars", send,
        compact(QJsonObject { { "type"_L1, "send"_L1 },
                              { "client_id"_L1, u"c"_s.repeated(65) },
                              { "to"_L1, "user:bob"_L1 },
                              { "body"_L1, "hi"_L1 } }));
    row("client_id lone surrogate", send,
        R"({"type":"send","client_id":"c\udc00","to":"user:bob","body":"hi"})");
    row("body 100000 ASCII", send, sendWithBody(u"a"_s.repeated(100'000)), ErrorCode::TooLarge);
    row("body 100000 emoji", send, sendWithBody(repeated(kGrinning, 100'000)), ErrorCode::TooLarge);

    // SyncRequest
    const QString sync = u"SyncRequest"_s;
    row("after not decimal", sync, R"({"type":"sync","after":"abc"})");
    row("after negative number", sync, R"({"type":"sync","after":-1})");
    row("after negative string", sync, R"({"type":"sync","after":"-1"})");
    row("after leading zero", sync, R"({"type":"sync","after":"040"})");
    row("limit 0", sync, R"({"type":"sync","after":"40","limit":0})");
    row("limit -1", sync, R"({"type":"sync","after":"40","limit":-1})");
    row("limit x", sync, R"({"type":"sync","after":"40","limit":"x"})");
    row("limit string", sync, R"({"type":"sync","after":"40","limit":"10"})");
    row("limit fractional", sync, R"({"type":"sync","after":"40","limit":1.5})");
    row("limit boolean", sync, R"({"type":"sync","after":"40","limit":true})");

    // AckRequest
    const QString ack = u"AckRequest"_s;
    row("seq missing", ack, R"({"type":"ack"})");
    row("seq abc", ack, R"({"type":"ack","seq":"abc"})");
    row("seq empty", ack, R"({"type":"ack","seq":""})");
    row("seq negative number", ack, R"({"type":"ack","seq":-1})");
    row("seq negative string", ack, R"({"type":"ack","seq":"-1"})");
    row("seq plus sign", ack, R"({"type":"ack","seq":"+5"})");
    row("seq leading zero", ack, R"({"type":"ack","seq":"01"})");
    row("seq fractional", ack, R"({"type":"ack","seq":1.5})");
    row("seq boolean", ack, R"({"type":"ack","seq":true})");
    row("seq above qint64", ack, R"({"type":"ack","seq":"9223372036854775808"})");

    // HistoryRequest
    const QString history = u"HistoryRequest"_s;
    row("conv missing", history, R"({"type":"history","limit":50})");
    row("conv number", history, R"({"type":"history","conv":42})");
    row("conv group:x", history, R"({"type":"history","conv":"group:x"})");
    row("conv chan:x", history, R"({"type":"history","conv":"chan:x"})");
    row("before abc", history, R"({"type":"history","conv":"user:bob","before":"abc"})");
    row("before negative", history, R"({"type":"history","conv":"user:bob","before":-1})");
    row("limit 0", history, R"({"type":"history","conv":"user:bob","limit":0})");
    row("limit -1", history, R"({"type":"history","conv":"user:bob","limit":-1})");
    row("limit x", history, R"({"type":"history","conv":"user:bob","limit":"x"})");

    // WelcomeEvent
    const QString welcome = u"WelcomeEvent"_s;
    row("username missing", welcome,
        R"({"type":"welcome","device_id":"3","heartbeat_s":30,"latest_seq":"57",)"
        R"("acked_seq":"40"})");
    row("device_id not decimal", welcome,
        R"({"type":"welcome","username":"alice","device_id":"x","heartbeat_s":30,)"
        R"("latest_seq":"57","acked_seq":"40"})");
    row("heartbeat_s missing", welcome,
        R"({"type":"welcome","username":"alice","device_id":"3","latest_seq":"57",)"
        R"("acked_seq":"40"})");
    row("heartbeat_s string", welcome,
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":"30",)"
        R"("latest_seq":"57","acked_seq":"40"})");
    row("latest_seq missing", welcome,
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
        R"("acked_seq":"40"})");
    row("acked_seq negative", welcome,
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
        R"("latest_seq":"57","acked_seq":"-40"})");
    row("limits not an object", welcome,
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
        R"("latest_seq":"57","acked_seq":"40","limits":[]})");
    row("max_body_chars string", welcome,
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
        R"("latest_seq":"57","acked_seq":"40","limits":{"max_body_chars":"99999"}})");

    // SentEvent
    const QString sent = u"SentEvent"_s;
    row("seq missing", sent, R"({"type":"sent","id":"r1","message":)" BOB_MESSAGE "}");
    row("message missing", sent, R"({"type":"sent","id":"r1","seq":"58"})");
    row("message invalid", sent, R"({"type":"sent","id":"r1","seq":"58","message":{}})");
    row("id number", sent, R"({"type":"sent","id":1,"seq":"58","message":)" BOB_MESSAGE "}");

    // MsgEvent
    const QString msg = u"MsgEvent"_s;
    row("seq missing", msg, R"({"type":"msg","message":)" BOB_MESSAGE "}");
    row("message missing", msg, R"({"type":"msg","seq":"58"})");
    row("message body number", msg,
        R"({"type":"msg","seq":"58","message":{"id":"1","conv":"user:bob","from":"alice",)"
        R"("body":1,"ts":1,"conv_seq":"1"}})");

    // SyncPage
    const QString syncPage = u"SyncPage"_s;
    row("entries missing", syncPage, R"({"type":"sync","id":"r2","more":false})");
    row("entries an object", syncPage, R"({"type":"sync","entries":{},"more":false})");
    row("entry not an object", syncPage, R"({"type":"sync","entries":[1],"more":false})");
    row("entry invalid", syncPage,
        R"({"type":"sync","entries":[{"seq":"41","message":)" BOB_MESSAGE
        R"(},{"seq":"x","message":)" BOB_MESSAGE R"(}],"more":false})");
    row("more missing", syncPage, R"({"type":"sync","entries":[]})");
    row("more a string", syncPage, R"({"type":"sync","entries":[],"more":"false"})");

    // HistoryPage
    const QString historyPage = u"HistoryPage"_s;
    row("conv missing", historyPage, R"({"type":"history","messages":[],"more":false})");
    row("messages missing", historyPage, R"({"type":"history","conv":"user:bob","more":false})");
    row("message not an object", historyPage,
        R"({"type":"history","conv":"user:bob","messages":["hi"],"more":false})");
    row("message invalid", historyPage,
        R"({"type":"history","conv":"user:bob","messages":[{"id":"1"}],"more":false})");
    row("more missing", historyPage, R"({"type":"history","conv":"user:bob","messages":[]})");

    // ErrorEvent
    const QString errorEvent = u"ErrorEvent"_s;
    row("code missing", errorEvent, R"({"type":"error","id":"r1","message":"m"})");
    row("code number", errorEvent, R"({"type":"error","code":404,"message":"m"})");
    row("message number", errorEvent, R"({"type":"error","code":"internal","message":1})");

    // PongEvent
    row("id number", u"PongEvent"_s, R"({"type":"pong","id":9})");

    // RegisterRequest
    const QString reg = u"RegisterRequest"_s;
    row("username missing", reg, R"({"password":"12345678"})");
    row("username number", reg, R"({"username":5,"password":"12345678"})");
    row("password missing", reg, R"({"username":"alice"})");
    row("username 2 chars", reg, R"({"username":"al","password":"12345678"})",
        ErrorCode::InvalidUsername);
    row("username with space", reg, R"({"username":"al ice","password":"12345678"})",
        ErrorCode::InvalidUsername);
    row("username non-ASCII", reg, R"({"username":"jos\u00e9","password":"12345678"})",
        ErrorCode::InvalidUsername);
    row("password 7 chars", reg, R"({"username":"alice","password":"1234567"})",
        ErrorCode::WeakPassword);
    row("password 7 emoji", reg,
        R"({"username":"alice","password":")"
        R"(\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00"})",
        ErrorCode::WeakPassword);
    row("display_name number", reg,
        R"({"username":"alice","password":"12345678","display_name":1})");
    row("display_name control character", reg,
        R"({"username":"alice","password":"12345678","display_name":"A\u0007B"})");
    row("display_name 65 chars", reg,
        compact(QJsonObject { { "username"_L1, "alice"_L1 },
                              { "password"_L1, "12345678"_L1 },
                              { "display_name"_L1, u"x"_s.repeated(65) } }));

    // UserInfo
    const QString userInfo = u"UserInfo"_s;
    row("username missing", userInfo, R"({"display_name":"Bob"})");
    row("display_name number", userInfo, R"({"username":"bob","display_name":2})");

    // LoginRequest
    const QString login = u"LoginRequest"_s;
    row("username missing", login, R"({"password":"pw"})");
    row("password missing", login, R"({"username":"alice"})");
    row("password number", login, R"({"username":"alice","password":12345678})");
    row("device_name number", login, R"({"username":"alice","password":"pw","device_name":1})");
    row("device_name with newline", login,
        R"({"username":"alice","password":"pw","device_name":"a\nb"})");
    row("device_name 65 chars", login,
        compact(QJsonObject { { "username"_L1, "alice"_L1 },
                              { "password"_L1, "pw"_L1 },
                              { "device_name"_L1, u"d"_s.repeated(65) } }));

    // LoginResponse
    const QString loginResponse = u"LoginResponse"_s;
    row("token missing", loginResponse, R"({"device_id":"7","username":"alice"})");
    row("device_id missing", loginResponse, R"({"token":"t","username":"alice"})");
    row("device_id not decimal", loginResponse,
        R"({"token":"t","device_id":"x","username":"alice"})");
    row("username missing", loginResponse, R"({"token":"t","device_id":"7"})");

    // DeviceInfo
    const QString device = u"DeviceInfo"_s;
    row("device_id missing", device, R"({"name":"laptop","created_at":1,"online":true})");
    row("created_at missing", device, R"({"device_id":"3","name":"laptop","online":true})");
    row("created_at string", device, R"({"device_id":"3","created_at":"1","online":true})");
    row("last_seen_at string", device, R"({"device_id":"3","created_at":1,"last_seen_at":"2"})");
    row("online a string", device, R"({"device_id":"3","created_at":1,"online":"yes"})");

    // MeResponse
    const QString me = u"MeResponse"_s;
    row("username missing", me, R"({"devices":[]})");
    row("devices missing", me, R"({"username":"alice"})");
    row("devices an object", me, R"({"username":"alice","devices":{}})");
    row("device not an object", me, R"({"username":"alice","devices":[3]})");
    row("device invalid", me, R"({"username":"alice","devices":[{"device_id":"3"}]})");

    // DiscoveryResponse
    const QString discovery = u"DiscoveryResponse"_s;
    row("servers missing", discovery, "{}");
    row("servers an object", discovery, R"({"servers":{}})");
    row("server not an object", discovery, R"({"servers":["ws://h/ws"]})");
    row("url missing", discovery, R"({"servers":[{"load":0.5}]})");
    row("load a string", discovery, R"({"servers":[{"url":"ws://h/ws","load":"low"}]})");
}

void TestCodec::decodeFailure()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, json);
    QFETCH(ErrorCode, code);

    const Codec codec = codecFor(kind);
    QVERIFY2(codec, qPrintable(kind));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    QVERIFY(document.isObject());

    const Result<QJsonObject> result = codec(document.object());
    QVERIFY2(!result.ok(), result.ok() ? compact(result.value()).constData() : "");
    QCOMPARE(result.error().code, code);
    QVERIFY(!result.error().message.isEmpty());
}

void TestCodec::unknownFieldsIgnored_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("withUnknown");
    QTest::addColumn<QByteArray>("canonical");

    const auto row = [](const char *kind, const QByteArray &withUnknown,
                        const QByteArray &canonical) {
        QTest::newRow(kind) << QString::fromLatin1(kind) << withUnknown << canonical;
    };
    row("Message",
        R"({"id":"7151182512443392","conv":"user:bob","from":"alice","body":"hi",)"
        R"("ts":1764000000000,"conv_seq":"12","client_id":"3f0c","edited":false,"x":{"y":[1]}})",
        BOB_MESSAGE);
    row("InboxEntry",
        R"({"seq":"41","new":1,"message":{"id":"7151182512443392","conv":"user:bob",)"
        R"("from":"alice","body":"hi","ts":1764000000000,"conv_seq":"12","client_id":"3f0c",)"
        R"("reactions":[]}})",
        R"({"seq":"41","message":)" BOB_MESSAGE "}");
    row("AuthRequest", R"({"type":"auth","token":"t","version":2})",
        R"({"type":"auth","token":"t"})");
    row("SendRequest",
        R"({"type":"send","id":"r1","client_id":"c1","to":"user:bob","body":"hi",)"
        R"("reply_to":"7151182512443392"})",
        R"({"type":"send","client_id":"c1","to":"user:bob","body":"hi"})");
    row("SyncRequest", R"({"type":"sync","id":"r2","after":"40","limit":500,"compact":true})",
        R"({"type":"sync","after":"40","limit":500})");
    row("AckRequest", R"({"type":"ack","seq":"58","device":"x"})", R"({"type":"ack","seq":"58"})");
    row("HistoryRequest",
        R"({"type":"history","id":"r3","conv":"user:bob","before":"13","limit":50,"z":null})",
        R"({"type":"history","conv":"user:bob","before":"13","limit":50})");
    row("PingRequest", R"({"type":"ping","id":"r7","ts":1})", R"({"type":"ping"})");
    row("WelcomeEvent",
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
        R"("latest_seq":"57","acked_seq":"40","server":"confabd 9",)"
        R"("limits":{"max_body_chars":99999,"max_group_members":100,"max_groups":10}})",
        R"({"type":"welcome","username":"alice","device_id":"3","heartbeat_s":30,)"
        R"("latest_seq":"57","acked_seq":"40",)"
        R"("limits":{"max_body_chars":99999,"max_group_members":100}})");
    row("SentEvent",
        R"({"type":"sent","id":"r1","seq":"58","dup":false,"message":{"id":"7151182512443392",)"
        R"("conv":"user:bob","from":"alice","body":"hi","ts":1764000000000,"conv_seq":"12",)"
        R"("client_id":"3f0c","flags":3}})",
        R"({"type":"sent","id":"r1","seq":"58","message":)" BOB_MESSAGE "}");
    row("MsgEvent", R"({"type":"msg","seq":"58","push":true,"message":)" GROUP_MESSAGE "}",
        R"({"type":"msg","seq":"58","message":)" GROUP_MESSAGE "}");
    row("SyncPage",
        R"({"type":"sync","id":"r2","total":9,"entries":[{"seq":"41","x":1,"message":)" BOB_MESSAGE
        R"(}],"more":false})",
        R"({"type":"sync","id":"r2","entries":[{"seq":"41","message":)" BOB_MESSAGE
        R"(}],"more":false})");
    row("HistoryPage",
        R"({"type":"history","id":"r3","conv":"user:bob","oldest":true,"messages":[)" BOB_MESSAGE
        R"(],"more":false})",
        R"({"type":"history","id":"r3","conv":"user:bob","messages":[)" BOB_MESSAGE
        R"(],"more":false})");
    row("ErrorEvent",
        R"({"type":"error","id":"r1","code":"rate_limited","message":"slow","retry_after_ms":9})",
        R"({"type":"error","id":"r1","code":"rate_limited","message":"slow"})");
    row("PongEvent", R"({"type":"pong","id":"r9","ts":1764000000000})",
        R"({"type":"pong","id":"r9"})");
    row("RegisterRequest",
        R"({"username":"alice","password":"12345678","display_name":"Alice","email":"a@b"})",
        R"({"username":"alice","password":"12345678","display_name":"Alice"})");
    row("UserInfo", R"({"username":"bob","display_name":"Bob","avatar":"x.png"})",
        R"({"username":"bob","display_name":"Bob"})");
    row("LoginRequest",
        R"({"username":"alice","password":"pw","device_name":"laptop","otp":"123456"})",
        R"({"username":"alice","password":"pw","device_name":"laptop"})");
    row("LoginResponse", R"({"token":"t","device_id":"7","username":"alice","expires_at":null})",
        R"({"token":"t","device_id":"7","username":"alice"})");
    row("DeviceInfo",
        R"({"device_id":"3","name":"laptop","created_at":1,"online":true,"ip":"::1"})",
        R"({"device_id":"3","name":"laptop","created_at":1,"online":true})");
    row("MeResponse",
        R"({"username":"alice","display_name":"Alice","plan":"free","devices":[)"
        R"({"device_id":"3","name":"laptop","created_at":1,"online":true,"os":"linux"}]})",
        R"({"username":"alice","display_name":"Alice","devices":[)"
        R"({"device_id":"3","name":"laptop","created_at":1,"online":true}]})");
    row("DiscoveryResponse",
        R"({"ttl_s":60,"servers":[{"url":"ws://h:8080/ws","load":0.5,"region":"eu"}]})",
        R"({"servers":[{"url":"ws://h:8080/ws","load":0.5}]})");
}

void TestCodec::unknownFieldsIgnored()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, withUnknown);
    QFETCH(QByteArray, canonical);

    const Codec codec = codecFor(kind);
    QVERIFY2(codec, qPrintable(kind));
    const QJsonObject input = parseObject(withUnknown);
    const QJsonObject expected = parseObject(canonical);
    QVERIFY(!input.isEmpty());
    QVERIFY(!expected.isEmpty());
    QVERIFY(input != expected);

    const Result<QJsonObject> result = codec(input);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value(), expected);
}

void TestCodec::sendBodyLimit_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("ok");

    const int max = limits::kMaxBodyCodePoints;
    QTest::newRow("99999 ASCII") << u"a"_s.repeated(max) << true;
    QTest::newRow("99999 emoji (199998 UTF-16 units)") << repeated(kGrinning, max) << true;
    QTest::newRow("100000 ASCII") << u"a"_s.repeated(max + 1) << false;
    QTest::newRow("100000 emoji") << repeated(kGrinning, max + 1) << false;
}

void TestCodec::sendBodyLimit()
{
    QFETCH(QString, body);
    QFETCH(bool, ok);

    const Result<SendRequest> decoded = SendRequest::fromJson(parseObject(sendWithBody(body)));
    QCOMPARE(decoded.ok(), ok);
    if (ok)
        QCOMPARE(decoded->body, body);
    else
        QCOMPARE(decoded.error().code, ErrorCode::TooLarge);
}

void TestCodec::envelope_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonValue>("id");

    const QJsonValue none(QJsonValue::Undefined);
    const QString id64 = u"i"_s.repeated(64);
    const QString id65 = u"i"_s.repeated(65);

    QTest::newRow("valid") << u"{\"type\":\"ping\",\"id\":\"r1\"}"_s << true << u"ping"_s
                           << QJsonValue(u"r1"_s);
    QTest::newRow("valid without id") << u"{\"type\":\"ping\"}"_s << true << u"ping"_s << none;
    QTest::newRow("valid with 64-char id") << (u"{\"type\":\"ping\",\"id\":\""_s + id64 + u"\"}"_s)
                                           << true << u"ping"_s << QJsonValue(id64);
    QTest::newRow("valid with empty id")
        << u"{\"type\":\"ping\",\"id\":\"\"}"_s << true << u"ping"_s << QJsonValue(QString());
    QTest::newRow("valid with white space around")
        << u" \n{\"type\":\"ack\",\"seq\":\"5\"}\r\n "_s << true << u"ack"_s << none;
    QTest::newRow("valid with unknown type") << u"{\"type\":\"teleport\",\"id\":\"r1\"}"_s << true
                                             << u"teleport"_s << QJsonValue(u"r1"_s);
    QTest::newRow("valid send")
        << u"{\"type\":\"send\",\"id\":\"r1\",\"client_id\":\"3f0c\",\"to\":\"user:bob\","
           "\"body\":\"hi\",\"extra\":[1,2]}"_s
        << true << u"send"_s << QJsonValue(u"r1"_s);

    QTest::newRow("malformed JSON") << u"{\"type\":\"ping\""_s << false << QString() << none;
    QTest::newRow("not JSON") << u"hello"_s << false << QString() << none;
    QTest::newRow("empty text") << QString() << false << QString() << none;
    QTest::newRow("trailing garbage") << u"{\"type\":\"ping\"} x"_s << false << QString() << none;
    QTest::newRow("array") << u"[{\"type\":\"ping\",\"id\":\"r1\"}]"_s << false << QString()
                           << none;
    QTest::newRow("string") << u"\"ping\""_s << false << QString() << none;
    QTest::newRow("number") << u"42"_s << false << QString() << none;
    QTest::newRow("null") << u"null"_s << false << QString() << none;
    QTest::newRow("missing type") << u"{\"id\":\"r1\"}"_s << false << QString()
                                  << QJsonValue(u"r1"_s);
    QTest::newRow("empty object") << u"{}"_s << false << QString() << none;
    QTest::newRow("empty type") << u"{\"type\":\"\",\"id\":\"r1\"}"_s << false << QString()
                                << QJsonValue(u"r1"_s);
    QTest::newRow("type number") << u"{\"type\":7,\"id\":\"r1\"}"_s << false << QString()
                                 << QJsonValue(u"r1"_s);
    QTest::newRow("type null") << u"{\"type\":null}"_s << false << QString() << none;
    QTest::newRow("type array") << u"{\"type\":[\"ping\"]}"_s << false << QString() << none;
    QTest::newRow("id number") << u"{\"type\":\"ping\",\"id\":5}"_s << false << u"ping"_s
                               << QJsonValue(5);
    QTest::newRow("id object") << u"{\"type\":\"ping\",\"id\":{}}"_s << false << u"ping"_s
                               << QJsonValue(QJsonObject());
    QTest::newRow("id null") << u"{\"type\":\"ping\",\"id\":null}"_s << false << u"ping"_s
                             << QJsonValue(QJsonValue::Null);
    QTest::newRow("id 65 chars") << (u"{\"type\":\"ping\",\"id\":\""_s + id65 + u"\"}"_s) << false
                                 << u"ping"_s << QJsonValue(id65);
    QTest::newRow("id 65 chars, no type")
        << (u"{\"id\":\""_s + id65 + u"\"}"_s) << false << QString() << QJsonValue(id65);
}

void TestCodec::envelope()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, type);
    QFETCH(QJsonValue, id);

    const Envelope envelope = Envelope::parse(text);
    QCOMPARE(!envelope.error.has_value(), valid);
    if (!valid) {
        QCOMPARE(envelope.error->code, ErrorCode::BadRequest);
        QVERIFY(!envelope.error->message.isEmpty());
    }
    QCOMPARE(envelope.type, type);
    QCOMPARE(envelope.id, id);
    QCOMPARE(envelope.requestId(), id.isString() ? id.toString() : QString());
    if (valid) {
        const QJsonObject object = parseObject(text.toUtf8());
        QVERIFY(!object.isEmpty());
        QCOMPARE(envelope.object, object);
    }
}

void TestCodec::envelopeLongIdIsEchoed()
{
    const QString id65 = u"x"_s.repeated(65);
    const Envelope envelope =
        Envelope::parse(u"{\"type\":\"send\",\"id\":\""_s + id65 + u"\",\"body\":\"hi\"}"_s);
    QVERIFY(envelope.error.has_value());
    QCOMPARE(envelope.error->code, ErrorCode::BadRequest);
    QCOMPARE(envelope.requestId(), id65);

    // The error event answering it carries the id exactly as sent.
    const ErrorEvent reply { envelope.id, envelope.error->code, envelope.error->message };
    const QJsonObject json = reply.toJson();
    QCOMPARE(json.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(json.value("id"_L1).toString(), id65);
    QCOMPARE(json.value("code"_L1).toString(), u"bad_request"_s);
}

void TestCodec::envelopeMaximalEscapedBody()
{
    // A maximal body with every code point escaped as a surrogate pair is about 1.2 MB of JSON;
    // it must parse, and one code point more must be too_large.
    const auto frame = [](int emoji) {
        return QString(u"{\"type\":\"send\",\"id\":\"r1\",\"client_id\":\"c1\",\"to\":\"user:bob\","
                       "\"body\":\""_s
                       + u"\\ud83d\\ude00"_s.repeated(emoji) + u"\"}"_s);
    };
    const QString maximal = frame(limits::kMaxBodyCodePoints);
    QVERIFY(maximal.toUtf8().size() < limits::kMaxFrameBytes);

    const Envelope envelope = Envelope::parse(maximal);
    QVERIFY2(!envelope.error, qPrintable(envelope.error ? envelope.error->message : QString()));
    QCOMPARE(envelope.type, u"send"_s);
    const Result<SendRequest> send = SendRequest::fromJson(envelope.object);
    QVERIFY2(send.ok(), qPrintable(describe(send)));
    QCOMPARE(send->body.size(), 2 * limits::kMaxBodyCodePoints);
    QCOMPARE(send->body, repeated(kGrinning, limits::kMaxBodyCodePoints));

    const Envelope tooBig = Envelope::parse(frame(limits::kMaxBodyCodePoints + 1));
    QVERIFY(!tooBig.error);
    const Result<SendRequest> rejected = SendRequest::fromJson(tooBig.object);
    QVERIFY(!rejected.ok());
    QCOMPARE(rejected.error().code, ErrorCode::TooLarge);
}

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"
