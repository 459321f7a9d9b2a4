// Continuous, pipelined sending for load tests: keeps a window of `send` requests in flight on a
// WsClient, each with a unique client_id, and records which ones the server answered `sent` (and
// with which message id), so a test can resend the rest after a crash and check the outcome.
#pragma once

#include "tests/support/WsClient.h"

#include <QHash>
#include <QMetaObject>
#include <QObject>
#include <QSet>
#include <QStringList>

namespace confab::test {

class MessageStream : public QObject
{
    Q_OBJECT
public:
    // Sends to `to` with client ids "<prefix>-<n>"; at most `window` unanswered at a time.
    MessageStream(QString to, QString prefix, int window);

    enum class Mode { Continuous, ResendOnly };
    // Starts (or, on a new connection, resumes) sending on `client`: first everything sent but
    // not answered (same client_id and body), then, if Continuous, new messages until stop().
    void start(WsClient *client, Mode mode = Mode::Continuous);
    // Sends no new messages (resends still go out, and answers are still recorded).
    void stop() { m_running = false; }
    // Sends `clientId` (one sent before) again; its answer must carry the same message id.
    void resend(const QString &clientId) { sendOne(clientId); }
    // Forgets the connection (after it was lost); call start() again with a new one.
    void detach();

    static QString bodyOf(const QString &clientId) { return QStringLiteral("body of ") + clientId; }

    // client_id -> message id, for every send answered `sent`.
    const QHash<QString, QString> &answered() const { return m_answered; }
    // Every client_id sent so far, in order.
    const QStringList &sentIds() const { return m_sent; }
    qsizetype unansweredCount() const { return m_sent.size() - m_answered.size(); }
    qsizetype inFlight() const { return m_inFlight.size(); }
    // An answer that was not `sent`, or a resend answered with another id: what and why.
    const QStringList &problems() const { return m_problems; }

Q_SIGNALS:
    // A send was answered `sent` (the answer is already recorded).
    void answeredOne();

private:
    void onFrame(const QString &text);
    void sendOne(const QString &clientId);
    void fill();

    QString m_to;
    QString m_prefix;
    int m_window;
    bool m_running = false;
    WsClient *m_client = nullptr;
    QMetaObject::Connection m_connection;
    QStringList m_sent;
    QHash<QString, QString> m_answered;
    QSet<QString> m_inFlight;
    QStringList m_problems;
};

} // namespace confab::test
