// The generator's output: a readable table on standard output and the same figures as JSON.
#pragma once

#include "bench/Workloads.h"

#include <QJsonObject>
#include <QString>

namespace confab::bench::report {

// One workload's outcome as the report's JSON object.
QJsonObject workload(const QString &name, const Outcome &outcome);
// The table: machine and server first, then each workload's parameters and figures.
QString table(const QJsonObject &report);

} // namespace confab::bench::report
