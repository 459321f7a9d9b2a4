// A list model whose rows are matched by a key: a new list of rows is applied as the smallest set
// of changes a view can follow without losing its place: removals and insertions a run at a time,
// moves, and dataChanged with only the roles that changed.
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSet>

namespace confab::client {

class KeyedListModel : public QAbstractListModel
{
public:
    using QAbstractListModel::QAbstractListModel;

protected:
    // `keyOf(row)` identifies a row; `changedRoles(before, after)` lists the roles that differ.
    template<typename T, typename KeyOf, typename ChangedRoles>
    void applyRowChanges(QList<T> &rows, const QList<T> &next, KeyOf keyOf,
                         ChangedRoles changedRoles);
};

template<typename T, typename KeyOf, typename ChangedRoles>
void KeyedListModel::applyRowChanges(QList<T> &rows, const QList<T> &next, KeyOf keyOf,
                                     ChangedRoles changedRoles)
{
    using Key = decltype(keyOf(next.first()));
    QSet<Key> wanted;
    for (const T &row : next)
        wanted.insert(keyOf(row));

    // Rows that are gone, bottom up, a run at a time.
    for (qsizetype last = rows.size() - 1; last >= 0;) {
        if (wanted.contains(keyOf(rows.at(last)))) {
            --last;
            continue;
        }
        qsizetype first = last;
        while (first > 0 && !wanted.contains(keyOf(rows.at(first - 1))))
            --first;
        beginRemoveRows({}, int(first), int(last));
        rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    QSet<Key> present;
    for (const T &row : std::as_const(rows))
        present.insert(keyOf(row));

    // Top down: each place holds its row already, or the row moves up from below (new activity
    // only ever moves a row up, so this is one move per changed one), or a run of new rows is
    // inserted.
    for (qsizetype i = 0; i < next.size(); ++i) {
        const T &wantedRow = next.at(i);
        const Key key = keyOf(wantedRow);
        if (i >= rows.size() || keyOf(rows.at(i)) != key) {
            if (present.contains(key)) {
                qsizetype from = i + 1;
                while (keyOf(rows.at(from)) != key)
                    ++from;
                beginMoveRows({}, int(from), int(from), {}, int(i));
                rows.move(from, i);
                endMoveRows();
            } else {
                qsizetype last = i;
                while (last + 1 < next.size() && !present.contains(keyOf(next.at(last + 1))))
                    ++last;
                beginInsertRows({}, int(i), int(last));
                for (qsizetype k = i; k <= last; ++k)
                    rows.insert(k, next.at(k));
                endInsertRows();
                i = last;
                continue;
            }
        }
        const QList<int> roles = changedRoles(rows.at(i), wantedRow);
        if (!roles.isEmpty()) {
            rows[i] = wantedRow;
            const QModelIndex changed = index(int(i));
            Q_EMIT dataChanged(changed, changed, roles);
        }
    }
}

} // namespace confab::client
