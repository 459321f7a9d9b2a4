#include "bench/Machine.h"

#include <QFile>
#include <QSysInfo>
#include <QThread>

namespace confab::bench::machine {

using namespace Qt::StringLiterals;

namespace {
QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray field(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(name)) {
            const qsizetype colon = line.indexOf(':');
            return colon < 0 ? QByteArray() : line.mid(colon + 1).trimmed();
        }
    }
    return {};
}
} // namespace

QJsonObject describe()
{
    const QByteArray memTotal = field(readFile(u"/proc/meminfo"_s), "MemTotal");
    return { { u"nproc"_s, QThread::idealThreadCount() },
             { u"cpu"_s, QString::fromUtf8(field(readFile(u"/proc/cpuinfo"_s), "model name")) },
             { u"kernel"_s, QString(QSysInfo::kernelType() + u' ' + QSysInfo::kernelVersion()) },
             { u"memory_mib"_s, memTotal.split(' ').value(0).toLongLong() / 1024 } };
}

QString loadAverage()
{
    const QList<QByteArray> fields = readFile(u"/proc/loadavg"_s).split(' ');
    return QString::fromLatin1(fields.mid(0, 3).join(' '));
}

double loadAverage1()
{
    return readFile(u"/proc/loadavg"_s).split(' ').value(0).toDouble();
}

} // namespace confab::bench::machine
