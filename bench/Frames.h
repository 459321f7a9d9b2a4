// The few frames the generator sends, built as text, and quick scans of the frames it receives
// (parsing 100,000 JSON deliveries a second would make the generator the bottleneck).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace confab::bench::frames {

// The value of the frame's "type" field (the generator's bodies never contain that key).
QByteArrayView typeOf(const QByteArray &frame);
// The send time a benchmark body starts with (nowNs() at sending), or -1.
qint64 stampOf(const QByteArray &frame);
// The value of the frame's top-level "seq" (`sent`, `msg`; the message object has none), or -1.
qint64 seqOf(const QByteArray &frame);
// A `send` whose body carries the time it was sent.
QByteArray send(const QByteArray &clientId, const QByteArray &to);
QByteArray sync(qint64 after, int limit);

} // namespace confab::bench::frames
