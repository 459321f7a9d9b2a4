// The soak's bookkeeping on its own: InboxMirror counting each inbox entry once whatever the order
// and the repeats (live push, sent answer, sync page), resuming after the contiguous part and
// counting gaps; memoryTrend's warm-up cut, growth and least-squares slope.
#include "bench/InboxMirror.h"
#include "bench/MemoryTrend.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab::bench;

class TestSoakFigures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mirrorInOrder();
    void mirrorOutOfOrderAndRepeats();
    void mirrorGaps();
    void trendFlat();
    void trendSlopeAfterWarmup();
    void trendTooFewSamples();
};

void TestSoakFigures::mirrorInOrder()
{
    InboxMirror mirror;
    mirror.reset(40);
    QVERIFY(!mirror.see(40));
    QVERIFY(mirror.see(41));
    QVERIFY(mirror.see(42));
    QVERIFY(!mirror.see(41));
    QCOMPARE(mirror.cursor(), 42);
    QCOMPARE(mirror.gaps(), 0);
}

void TestSoakFigures::mirrorOutOfOrderAndRepeats()
{
    InboxMirror mirror;
    mirror.reset(0);
    QVERIFY(mirror.see(3)); // a live push overtaking a sync page
    QVERIFY(!mirror.see(3));
    QCOMPARE(mirror.cursor(), 0);
    QVERIFY(mirror.see(1));
    QCOMPARE(mirror.cursor(), 1);
    QVERIFY(mirror.see(2)); // fills the gap: the cursor jumps over 3
    QCOMPARE(mirror.cursor(), 3);
    QVERIFY(!mirror.see(3)); // the same entry again in the page
    QCOMPARE(mirror.gaps(), 0);
}

void TestSoakFigures::mirrorGaps()
{
    InboxMirror mirror;
    mirror.reset(10);
    QVERIFY(mirror.see(11));
    QVERIFY(mirror.see(14));
    QVERIFY(mirror.see(16));
    QCOMPARE(mirror.cursor(), 11);
    QCOMPARE(mirror.gaps(), 3); // 12, 13 and 15
    mirror.reset(0);
    QCOMPARE(mirror.gaps(), 0);
    QCOMPARE(mirror.cursor(), 0);
}

void TestSoakFigures::trendFlat()
{
    const std::vector<RssSample> samples {
        { 10, 500 }, { 20, 900 }, { 30, 1000 }, { 40, 1000 }, { 50, 1000 }
    };
    const QJsonObject trend = memoryTrend(samples, 30);
    QCOMPARE(trend.value(u"rss_at_warmup_end_kib"_s).toInteger(), 1000);
    QCOMPARE(trend.value(u"rss_at_end_kib"_s).toInteger(), 1000);
    QCOMPARE(trend.value(u"growth_after_warmup_kib"_s).toInteger(), 0);
    QCOMPARE(trend.value(u"growth_slope_kib_per_min"_s).toDouble(), 0.0);
    QCOMPARE(trend.value(u"samples_after_warmup"_s).toInteger(), 3);
}

void TestSoakFigures::trendSlopeAfterWarmup()
{
    // 2 KiB a second after the warm-up (120 KiB/min), with a last sample that dips: the slope
    // reads the whole line, the growth only the two ends.
    const std::vector<RssSample> samples {
        { 0, 100 }, { 60, 5000 }, { 70, 5020 }, { 80, 5040 }, { 90, 5060 }, { 100, 5050 },
    };
    const QJsonObject trend = memoryTrend(samples, 60);
    QCOMPARE(trend.value(u"rss_at_warmup_end_kib"_s).toInteger(), 5000);
    QCOMPARE(trend.value(u"growth_after_warmup_kib"_s).toInteger(), 50);
    const double slope = trend.value(u"growth_slope_kib_per_min"_s).toDouble();
    QVERIFY2(slope > 70 && slope < 120, qPrintable(QString::number(slope)));
}

void TestSoakFigures::trendTooFewSamples()
{
    const QJsonObject none = memoryTrend({}, 60);
    QCOMPARE(none.value(u"rss_at_warmup_end_kib"_s).toInteger(), -1);
    QCOMPARE(none.value(u"growth_slope_kib_per_min"_s).toDouble(), 0.0);
    const QJsonObject one = memoryTrend({ { 5, 700 } }, 1);
    QCOMPARE(one.value(u"rss_at_end_kib"_s).toInteger(), 700);
    QCOMPARE(one.value(u"growth_after_warmup_kib"_s).toInteger(), 0);
    QCOMPARE(one.value(u"growth_slope_kib_per_min"_s).toDouble(), 0.0);
}

QTEST_GUILESS_MAIN(TestSoakFigures)
#include "tst_soakfigures.moc"
