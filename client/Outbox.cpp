#include "client/Outbox.h"

#include "client/Connection.h"
#include "client/Logging.h"
#include "client/SyncEngine.h"
#include "common/Events.h"
#include "common/Requests.h"

#include <QDateTime>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {
// After a send refused with rate_limited the outbox pauses this long, plus up to as much again at
// random (so devices refused together do not come back together).
constexpr int kRateLimitedPauseMs = 1000;
// Sends on the wire without an answer yet: enough to fill the pipe, few enough that a long
// backlog (hours offline) goes out at the server's pace instead of as a burst it refuses.
constexpr int kWindow = 16;

// Errors that sending again will not cure: the message is marked failed, with the reason.
bool isPermanent(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
    case ErrorCode::Forbidden:
    case ErrorCode::NotFound:
    case ErrorCode::TooLarge:
        return true;
    default:
        return false;
    }
}
} // namespace

Outbox::Outbox(Connection &connection, Cache &cache, SyncEngine &sync, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_cache(cache)
    , m_sync(sync)
{
    // Every welcome (a reconnect, a new start) sends what is still pending.
    connect(&m_connection, &Connection::welcomed, this, &Outbox::flush);
}

std::optional<CachedMessage> Outbox::send(const QString &conv, const QString &body)
{
    const QString clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto pending = m_cache.addPending(conv, body, clientId, QDateTime::currentMSecsSinceEpoch());
    if (!pending)
        return std::nullopt;
    Q_EMIT messageChanged(conv, clientId);
    pump();
    return pending;
}

bool Outbox::retry(const QString &clientId)
{
    if (!m_cache.markPending(clientId))
        return false;
    if (const auto message = m_cache.message(clientId))
        Q_EMIT messageChanged(message->conv, clientId);
    pump();
    return true;
}

bool Outbox::discard(const QString &clientId)
{
    const auto message = m_cache.message(clientId);
    if (!message || !m_cache.removeUnsent(clientId))
        return false;
    Q_EMIT messageChanged(message->conv, clientId);
    return true;
}

void Outbox::flush()
{
    m_inFlight.clear(); // answers to the previous connection will not come
    if (const qsizetype pending = m_cache.outbox().size())
        qCInfo(lcClientOutbox, "sending %d pending messages", int(pending));
    pump();
}

void Outbox::pump()
{
    if (m_paused || m_connection.state() != Connection::State::Online
        || m_inFlight.size() >= kWindow)
        return;
    // Those on the wire are among the oldest pending ones, so the oldest 2 windows hold every
    // message that can go now: no need to read a long backlog on every answer.
    const QList<CachedMessage> pending = m_cache.outbox(2 * kWindow);
    for (const CachedMessage &message : pending) {
        if (m_inFlight.size() >= kWindow)
            break;
        transmit(message);
    }
}

void Outbox::pause()
{
    if (m_paused)
        return;
    m_paused = true;
    const int delayMs =
        kRateLimitedPauseMs + int(QRandomGenerator::global()->bounded(kRateLimitedPauseMs));
    QTimer::singleShot(delayMs, this, [this] {
        m_paused = false;
        pump();
    });
}

void Outbox::transmit(const CachedMessage &message)
{
    if (m_inFlight.contains(message.clientId))
        return;
    const auto to = ConvRef::parse(message.conv);
    if (!to) {
        m_cache.markFailed(message.clientId, u"not a conversation: %1"_s.arg(message.conv));
        Q_EMIT messageChanged(message.conv, message.clientId);
        return;
    }
    m_inFlight.insert(message.clientId);
    QPointer<Outbox> self(this);
    const QString clientId = message.clientId;
    const QString conv = message.conv;
    m_connection.request(SendRequest { clientId, *to, message.body }.toJson(),
                         [self, clientId, conv](Result<QJsonObject> reply) {
                             if (self)
                                 self->answered(clientId, conv, reply);
                         });
}

void Outbox::answered(const QString &clientId, const QString &conv,
                      const Result<QJsonObject> &reply)
{
    m_inFlight.remove(clientId);
    auto sent = reply ? SentEvent::fromJson(*reply) : Result<SentEvent>(reply.error());
    if (sent) {
        m_sync.absorbSent(sent->seq, sent->message);
    } else if (isPermanent(sent.error().code)) {
        qCInfo(lcClientOutbox) << "message failed:" << sent.error().message;
        m_cache.markFailed(clientId, sent.error().message);
    } else if (sent.error().code == ErrorCode::RateLimited) {
        // Over the server's send rate: still pending, the outbox waits a moment.
        pause();
        return;
    } else {
        // Still pending: it goes again after the next welcome.
        return;
    }
    Q_EMIT messageChanged(conv, clientId);
    pump();
}

} // namespace confab::client
