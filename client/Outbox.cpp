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
// A send refused with rate_limited goes again after this, plus up to as much again at random (so
// a refused burst does not come back as one).
constexpr int kRateLimitedRetryMs = 1000;

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
    if (m_connection.state() == Connection::State::Online)
        transmit(*pending);
    return pending;
}

bool Outbox::retry(const QString &clientId)
{
    if (!m_cache.markPending(clientId))
        return false;
    const auto message = m_cache.message(clientId);
    if (message) {
        Q_EMIT messageChanged(message->conv, clientId);
        if (m_connection.state() == Connection::State::Online)
            transmit(*message);
    }
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
    const QList<CachedMessage> pending = m_cache.outbox();
    if (!pending.isEmpty())
        qCInfo(lcClientOutbox, "sending %d pending messages", int(pending.size()));
    for (const CachedMessage &message : pending)
        transmit(message);
}

void Outbox::retransmit(const QString &clientId)
{
    const auto message = m_cache.message(clientId);
    if (message && message->state == CachedMessage::State::Pending
        && m_connection.state() == Connection::State::Online)
        transmit(*message);
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
    m_connection.request(
        SendRequest { clientId, *to, message.body }.toJson(),
        [self, clientId, conv](Result<QJsonObject> reply) {
            if (!self)
                return;
            self->m_inFlight.remove(clientId);
            auto sent = reply ? SentEvent::fromJson(*reply) : Result<SentEvent>(reply.error());
            if (sent) {
                self->m_sync.absorbSent(sent->seq, sent->message);
            } else if (isPermanent(sent.error().code)) {
                qCInfo(lcClientOutbox) << "message failed:" << sent.error().message;
                self->m_cache.markFailed(clientId, sent.error().message);
            } else if (sent.error().code == ErrorCode::RateLimited) {
                // Over the server's send rate: again in a moment.
                const int delayMs = kRateLimitedRetryMs
                    + int(QRandomGenerator::global()->bounded(kRateLimitedRetryMs));
                QTimer::singleShot(delayMs, self, [self, clientId] { self->retransmit(clientId); });
                return;
            } else {
                // Still pending: it goes again after the next welcome.
                return;
            }
            Q_EMIT self->messageChanged(conv, clientId);
        });
}

} // namespace confab::client
