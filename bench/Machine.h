// What the figures were measured on: cores, CPU model, kernel, load average.
#pragma once

#include <QJsonObject>
#include <QString>

namespace confab::bench::machine {

QJsonObject describe(); // {"nproc","cpu","kernel","memory_mib"}
QString loadAverage(); // the three numbers of /proc/loadavg
double loadAverage1(); // the one-minute load

} // namespace confab::bench::machine
