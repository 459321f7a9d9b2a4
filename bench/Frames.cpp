#include "bench/Frames.h"

#include "bench/Latencies.h"

namespace confab::bench::frames {

QByteArrayView typeOf(const QByteArray &frame)
{
    static constexpr QByteArrayView key = "\"type\":\"";
    const qsizetype at = frame.indexOf(key);
    if (at < 0)
        return {};
    const qsizetype start = at + key.size();
    const qsizetype end = frame.indexOf('"', start);
    return end < 0 ? QByteArrayView() : QByteArrayView(frame).sliced(start, end - start);
}

qint64 stampOf(const QByteArray &frame)
{
    static constexpr QByteArrayView key = "\"body\":\"t";
    const qsizetype at = frame.indexOf(key);
    if (at < 0)
        return -1;
    qint64 stamp = 0;
    for (qsizetype i = at + key.size(); i < frame.size() && frame[i] >= '0' && frame[i] <= '9'; ++i)
        stamp = stamp * 10 + (frame[i] - '0');
    return stamp;
}

qint64 seqOf(const QByteArray &frame)
{
    static constexpr QByteArrayView key = "\"seq\":\"";
    const qsizetype at = frame.indexOf(key);
    if (at < 0)
        return -1;
    qint64 seq = 0;
    for (qsizetype i = at + key.size(); i < frame.size() && frame[i] >= '0' && frame[i] <= '9'; ++i)
        seq = seq * 10 + (frame[i] - '0');
    return seq;
}

QByteArray send(const QByteArray &clientId, const QByteArray &to)
{
    return "{\"type\":\"send\",\"client_id\":\"" + clientId + "\",\"to\":\"" + to
        + "\",\"body\":\"t" + QByteArray::number(nowNs())
        + " a benchmark message of about eighty bytes, like a short chat line\"}";
}

QByteArray sync(qint64 after, int limit)
{
    return "{\"type\":\"sync\",\"after\":\"" + QByteArray::number(after)
        + "\",\"limit\":" + QByteArray::number(limit) + '}';
}

} // namespace confab::bench::frames
