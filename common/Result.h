// Result<T>: a value or an Error, returned instead of throwing across event loops.
#pragma once

#include "common/ErrorCode.h"

#include <utility>
#include <variant>

namespace confab {

template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_data(std::move(value))
    { }
    Result(Error error)
        : m_data(std::move(error))
    { }
    Result(ErrorCode code, QString message)
        : m_data(Error { code, std::move(message) })
    { }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// For operations that produce nothing but may fail.
struct Done
{
    friend bool operator==(Done, Done) = default;
};

} // namespace confab
