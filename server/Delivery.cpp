#include "server/Delivery.h"

#include "common/Validation.h"
#include "server/Metrics.h"
#include "server/Router.h"

#include <QHash>
#include <QJsonDocument>

namespace confab {

using namespace Qt::StringLiterals;

QByteArray encodeFrame(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

QByteArray msgFrame(qint64 seq, const QByteArray &messageJson)
{
    return "{\"type\":\"msg\",\"seq\":\"" + QByteArray::number(seq)
        + "\",\"message\":" + messageJson + '}';
}

void fanOut(Router &router, Metrics &metrics, const store::StoredMessage &stored,
            qint64 senderUserId, qint64 exceptDevice)
{
    QHash<QString, QByteArray> encoded; // conv view -> message JSON
    for (const store::InboxCopy &copy : stored.copies) {
        auto it = encoded.find(copy.conv);
        if (it == encoded.end()) {
            Message view = stored.message;
            view.conv = copy.conv;
            it = encoded.insert(copy.conv, view.toJsonUtf8());
        }
        const qint64 except = copy.userId == senderUserId ? exceptDevice : 0;
        const int devices = router.deliver(copy.userId, except, msgFrame(copy.seq, *it));
        metrics.deliveries.fetch_add(quint64(devices), std::memory_order_relaxed);
    }
}

} // namespace confab
