#include "bench/Report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace confab::bench::report {

using namespace Qt::StringLiterals;

namespace {
QString text(const QJsonValue &value)
{
    if (value.isObject()) {
        // A latency summary reads best on one line.
        const QJsonObject object = value.toObject();
        if (object.contains(u"p50_ms"_s))
            return u"p50 %1 ms, p99 %2 ms, max %3 ms (n=%4)"_s.arg(
                text(object.value(u"p50_ms"_s)), text(object.value(u"p99_ms"_s)),
                text(object.value(u"max_ms"_s)), text(object.value(u"count"_s)));
    }
    if (value.isDouble()) {
        const double number = value.toDouble();
        return number == std::floor(number) && std::abs(number) < 1e15
            ? QString::number(qint64(number))
            : QString::number(number, 'f', 2);
    }
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
}

QString pairs(const QJsonObject &object, const QString &separator)
{
    QStringList parts;
    for (auto it = object.begin(); it != object.end(); ++it)
        parts << it.key() + u' ' + text(it.value());
    return parts.join(separator);
}
} // namespace

QJsonObject workload(const QString &name, const Outcome &outcome)
{
    return { { u"workload"_s, name },
             { u"parameters"_s, outcome.parameters },
             { u"steps"_s, outcome.steps },
             { u"problems"_s, QJsonArray::fromStringList(outcome.problems) },
             { u"ok"_s, outcome.problems.isEmpty() } };
}

QString table(const QJsonObject &report)
{
    QString out;
    const QJsonObject machine = report.value(u"machine"_s).toObject();
    out += u"machine   %1 cores, %2, %3, %4 MiB\n"_s.arg(
        text(machine.value(u"nproc"_s)), text(machine.value(u"cpu"_s)),
        text(machine.value(u"kernel"_s)), text(machine.value(u"memory_mib"_s)));
    out += u"load      %1 at start, %2 at end\n"_s.arg(text(report.value(u"load_start"_s)),
                                                       text(report.value(u"load_end"_s)));
    out += u"server    %1\n"_s.arg(text(report.value(u"server"_s)));
    for (const QJsonValue &entry : report.value(u"workloads"_s).toArray()) {
        const QJsonObject result = entry.toObject();
        out += u"\n%1  %2   [load %3 → %4]\n"_s.arg(
            result.value(u"workload"_s).toString().toUpper(),
            pairs(result.value(u"parameters"_s).toObject(), u", "_s),
            text(result.value(u"load_start"_s)), text(result.value(u"load_end"_s)));
        for (const QJsonValue &step : result.value(u"steps"_s).toArray()) {
            const QJsonObject figures = step.toObject();
            QStringList lines;
            for (auto it = figures.begin(); it != figures.end(); ++it) {
                // A series of windows (the soak's): one line each, below its name.
                const QJsonArray rows = it.value().toArray();
                if (!rows.isEmpty() && rows.first().isObject()) {
                    lines << u"    %1"_s.arg(it.key());
                    for (const QJsonValue &row : rows) {
                        // Its time first, when it has one.
                        QJsonObject rest = row.toObject();
                        const QJsonValue at = rest.take(u"t_s"_s);
                        lines << u"      "_s
                                + (at.isUndefined() ? QString() : u"t_s "_s + text(at) + u", "_s)
                                + pairs(rest, u", "_s);
                    }
                    continue;
                }
                lines << u"    %1%2"_s.arg(it.key(), -30).arg(text(it.value()));
            }
            out += u"  ---\n"_s + lines.join(u'\n') + u'\n';
        }
        for (const QJsonValue &problem : result.value(u"problems"_s).toArray())
            out += u"  PROBLEM: "_s + problem.toString() + u'\n';
    }
    return out;
}

} // namespace confab::bench::report
