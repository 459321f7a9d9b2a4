// Blocking HTTP calls for tests, over a real QNetworkAccessManager; and raw bytes over TCP for
// requests no well-behaved client would send.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QUrl>

namespace confab::test {

struct HttpReply
{
    int status = 0; // 0: no answer
    QByteArray body;
    QJsonObject json; // the body, when it is a JSON object
    QList<QPair<QByteArray, QByteArray>> headers;

    QString errorCode() const; // error.code of an API error
    QByteArray header(const QByteArray &name) const;
};

class HttpClient
{
public:
    HttpReply get(const QUrl &url, const QString &token = {});
    HttpReply post(const QUrl &url, const QJsonObject &body, const QString &token = {});
    HttpReply postRaw(const QUrl &url, const QByteArray &body, const QString &token = {});
    HttpReply send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
                   const QString &token = {});

    // Writes `bytes` to host:port and returns everything the server answered until it closed
    // the connection or `timeoutMs` passed.
    static QByteArray raw(quint16 port, const QByteArray &bytes, int timeoutMs = 10'000);

private:
    QNetworkAccessManager m_network;
};

} // namespace confab::test
