// The limit primitives on their own: the token bucket's burst and refill, the keyed RateLimiter
// (per key, off at 0, forgetting full buckets), the address key (IPv6 by /64), the connection
// caps, the JSON nesting scan, and the parsing of the limit flags.
#include "common/JsonNesting.h"
#include "server/Config.h"
#include "server/limits/ConnectionCaps.h"
#include "server/limits/RateLimiter.h"
#include "server/limits/TokenBucket.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::limits;

class TestLimitPrimitives : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bucketBurstAndRefill();
    void rateLimiterKeysAreIndependent();
    void rateLimiterOff();
    void rateLimiterForgetsIdleKeys();
    void addressKeys();
    void connectionCaps();
    void jsonNesting_data();
    void jsonNesting();
    void limitFlags();
    void rateLimitsOffSwitch();
};

void TestLimitPrimitives::bucketBurstAndRefill()
{
    const Rate rate { 3, 1000 }; // 3 at once, then one per 333 ms
    TokenBucket bucket(rate, 0);
    QVERIFY(bucket.tryTake(rate, 0));
    QVERIFY(bucket.tryTake(rate, 0));
    QVERIFY(bucket.tryTake(rate, 0));
    QVERIFY(!bucket.tryTake(rate, 0));
    QCOMPARE(bucket.msUntilToken(rate), 334);
    QVERIFY(!bucket.tryTake(rate, 300));
    QVERIFY(bucket.tryTake(rate, 340));
    QVERIFY(!bucket.tryTake(rate, 340));
    // Never more than the burst, however long it rested.
    QVERIFY(bucket.isFull(rate, 100'000));
    for (int i = 0; i < 3; ++i)
        QVERIFY(bucket.tryTake(rate, 100'000));
    QVERIFY(!bucket.tryTake(rate, 100'000));
}

void TestLimitPrimitives::rateLimiterKeysAreIndependent()
{
    RateLimiter limiter(Rate { 2, 60'000 });
    QVERIFY(limiter.tryTake(u"alice"_s));
    QVERIFY(limiter.tryTake(u"alice"_s));
    qint64 retry = 0;
    QVERIFY(!limiter.tryTake(u"alice"_s, &retry));
    QVERIFY(retry > 25'000 && retry <= 30'001);
    QVERIFY(limiter.tryTake(u"bob"_s));
    QCOMPARE(limiter.trackedKeys(), 2);
}

void TestLimitPrimitives::rateLimiterOff()
{
    RateLimiter limiter(Rate { 0, 1000 });
    for (int i = 0; i < 1000; ++i)
        QVERIFY(limiter.tryTake(u"anyone"_s));
    QCOMPARE(limiter.trackedKeys(), 0);
}

void TestLimitPrimitives::rateLimiterForgetsIdleKeys()
{
    // Memory stays bounded: buckets that are full again are dropped as the shards sweep.
    RateLimiter limiter(Rate { 1, 1000 });
    for (int i = 0; i < 1000; ++i)
        QVERIFY(limiter.tryTakeAt(u"early-%1"_s.arg(i), 0));
    QCOMPARE(limiter.trackedKeys(), 1000);
    // Much later, enough takes that every shard sweeps: the early keys are full and forgotten;
    // the new ones are not (each just took its token).
    for (int i = 0; i < 5000; ++i)
        QVERIFY(limiter.tryTakeAt(u"late-%1"_s.arg(i), 60'000));
    QCOMPARE(limiter.trackedKeys(), 5000);
    // A forgotten key starts with a full bucket.
    QVERIFY(limiter.tryTakeAt(u"early-1"_s, 60'000));
}

void TestLimitPrimitives::addressKeys()
{
    QCOMPARE(addressKey(QHostAddress(u"203.0.113.7"_s)), u"203.0.113.7"_s);
    QCOMPARE(addressKey(QHostAddress(u"::ffff:203.0.113.7"_s)), u"203.0.113.7"_s);
    const QString a = addressKey(QHostAddress(u"2001:db8:1:2:aaaa::1"_s));
    QCOMPARE(a, addressKey(QHostAddress(u"2001:db8:1:2:bbbb::9"_s)));
    QVERIFY(a != addressKey(QHostAddress(u"2001:db8:1:3::1"_s)));
    QVERIFY(a.endsWith(u"/64"_s));
}

void TestLimitPrimitives::connectionCaps()
{
    using Admission = ConnectionCaps::Admission;
    const QHostAddress one(u"192.0.2.1"_s);
    const QHostAddress two(u"192.0.2.2"_s);
    ConnectionCaps caps(3, 2);
    QCOMPARE(caps.admit(one), Admission::Admitted);
    QCOMPARE(caps.admit(one), Admission::Admitted);
    QCOMPARE(caps.admit(one), Admission::AddressFull);
    QCOMPARE(caps.admit(two), Admission::Admitted);
    QCOMPARE(caps.admit(two), Admission::TotalFull);
    QCOMPARE(caps.addressesTracked(), 2);
    caps.release(one);
    QCOMPARE(caps.admit(two), Admission::Admitted);
    caps.release(one);
    caps.release(two);
    caps.release(two);
    QCOMPARE(caps.addressesTracked(), 0);

    ConnectionCaps uncapped(0, 0);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(uncapped.admit(one), Admission::Admitted);
}

void TestLimitPrimitives::jsonNesting_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("depth");
    QTest::newRow("scalar") << QByteArray("42") << 0;
    QTest::newRow("object") << QByteArray(R"({"a":[1,{"b":2}]})") << 3;
    QTest::newRow("brackets in strings") << QByteArray(R"({"a":"[[[{{{\"[["})") << 1;
    QTest::newRow("escaped backslash ends the string")
        << QByteArray(R"({"a":"\\",  "b":[[1]]})") << 3;
    QTest::newRow("deep") << (QByteArray(1000, '[') + QByteArray(1000, ']')) << 33; // stops early
}

void TestLimitPrimitives::jsonNesting()
{
    QFETCH(QByteArray, json);
    QFETCH(int, depth);
    QCOMPARE(jsonNestingDepth(QByteArrayView(json)), depth);
    QCOMPARE(jsonNestingDepth(QStringView(QString::fromUtf8(json))), depth);
}

void TestLimitPrimitives::limitFlags()
{
    const auto parsed = ServerConfig::parse(
        { u"confabd"_s, u"--login-rate-user"_s, u"5/30"_s, u"--send-rate-device"_s, u"0"_s,
          u"--register-rate-address"_s, u"2/0.5"_s, u"--max-devices"_s, u"0"_s,
          u"--request-timeout"_s, u"250"_s, u"--trusted-proxy"_s, u"::1"_s });
    QVERIFY2(!parsed.exit, qPrintable(parsed.output));
    const ServerConfig &config = parsed.config;
    QCOMPARE(config.loginPerUser, (Rate { 5, 30'000 }));
    QVERIFY(!config.sendsPerDevice.enabled());
    QCOMPARE(config.registerPerAddress, (Rate { 2, 500 }));
    QCOMPARE(config.maxDevicesPerAccount, 0);
    QCOMPARE(config.requestTimeoutMs, 250);
    QCOMPARE(config.trustedProxy, QHostAddress(u"::1"_s));
    QVERIFY(config.rateLimits);
    QCOMPARE(config.effective(config.loginPerUser), (Rate { 5, 30'000 }));

    for (const QString &bad : { u"5"_s, u"a/b"_s, u"5/-1"_s, u"-5/10"_s, u"5/10/2"_s }) {
        const auto refused = ServerConfig::parse({ u"confabd"_s, u"--login-rate-user"_s, bad });
        QVERIFY2(refused.exit && refused.exitCode == 2, qPrintable(bad));
    }
}

void TestLimitPrimitives::rateLimitsOffSwitch()
{
    qputenv("CONFAB_RATE_LIMITS", "off");
    const auto parsed = ServerConfig::parse({ u"confabd"_s, u"--max-connections"_s, u"7"_s });
    qunsetenv("CONFAB_RATE_LIMITS");
    QVERIFY(!parsed.exit);
    const ServerConfig &config = parsed.config;
    QVERIFY(!config.rateLimits);
    QVERIFY(!config.effective(config.loginPerUser).enabled());
    QVERIFY(!config.effective(config.sendsPerDevice).enabled());
    QCOMPARE(config.effectivePerAddressCap(), 0);
    QCOMPARE(config.maxConnections, 7); // the total cap stays
    QCOMPARE(config.maxDevicesPerAccount, 100);
}

QTEST_GUILESS_MAIN(TestLimitPrimitives)
#include "tst_limitprimitives.moc"
