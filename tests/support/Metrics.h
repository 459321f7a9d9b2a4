// Reading confabd's /metrics in tests: one sample's value by its exact name and labels.
#pragma once

#include "tests/support/HttpClient.h"
#include "tests/support/ServerProcess.h"

#include <optional>

namespace confab::test {

// The value of the sample `series` (e.g. `confab_limit_refusals_total{limit="send"}`), read over
// a fresh connection that is closed afterwards (so it holds no connection slot); nothing if the
// scrape failed or the series is missing.
std::optional<double> metric(const ServerProcess &server, const QByteArray &series);

// The refusals counted for one limit (confab_limit_refusals_total{limit="..."}).
std::optional<double> refusals(const ServerProcess &server, const char *limit);

} // namespace confab::test
