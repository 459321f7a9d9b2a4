// A conversation as the protocol names it: "user:<username>" or "group:<group id>".
#pragma once

#include <QString>

#include <optional>

namespace confab {

struct ConvRef
{
    enum class Kind { User, Group };

    Kind kind = Kind::User;
    QString username; // for Kind::User, lower-case
    qint64 groupId = 0; // for Kind::Group

    static ConvRef user(const QString &username) { return { Kind::User, username, 0 }; }
    static ConvRef group(qint64 id) { return { Kind::Group, {}, id }; }

    // Parses and normalises (usernames are lower-cased); nothing when malformed.
    static std::optional<ConvRef> parse(QStringView text);
    QString toString() const;

    bool isUser() const { return kind == Kind::User; }
    bool isGroup() const { return kind == Kind::Group; }

    friend bool operator==(const ConvRef &, const ConvRef &) = default;
};

} // namespace confab
