// Applies a new list of rows to a list model as the smallest set of changes a view can follow
// without losing its place: removals, insertions, moves, and dataChanged with only the roles
// that changed. Rows are matched by a key.
#pragma once

#include <QAbstractListModel>
#include <QList>

namespace confab::client {

class KeyedListModel : public QAbstractListModel
{
public:
    using QAbstractListModel::QAbstractListModel;

protected:
    template<typename T, typename KeyOf, typename ChangedRoles>
    void applyRowChanges(QList<T> &rows, const QList<T> &after, KeyOf keyOf,
                         ChangedRoles changedRoles);
};

template<typename T, typename KeyOf, typename ChangedRoles>
void KeyedListModel::applyRowChanges(QList<T> &rows, const QList<T> &after, KeyOf keyOf,
                                     ChangedRoles changedRoles)
{
    // Make the current rows and the new ones the same set, keeping the current order.
    for (qsizetype i = rows.size() - 1; i >= 0; --i) {
        const auto key = keyOf(rows[i]);
        const bool kept = std::any_of(after.cbegin(), after.cend(),
                                      [&](const T &row) { return keyOf(row) == key; });
        if (!kept) {
            beginRemoveRows({}, int(i), int(i));
            rows.removeAt(i);
            endRemoveRows();
        }
    }
    // Then walk the new order: move rows into place, insert new ones, update changed roles.
    for (qsizetype target = 0; target < after.size(); ++target) {
        const T &wanted = after[target];
        const auto key = keyOf(wanted);
        qsizetype found = -1;
        for (qsizetype i = target; i < rows.size(); ++i) {
            if (keyOf(rows[i]) == key) {
                found = i;
                break;
            }
        }
        if (found < 0) {
            beginInsertRows({}, int(target), int(target));
            rows.insert(target, wanted);
            endInsertRows();
            continue;
        }
        if (found != target) {
            beginMoveRows({}, int(found), int(found), {}, int(target));
            rows.move(found, target);
            endMoveRows();
        }
        const QList<int> roles = changedRoles(rows[target], wanted);
        rows[target] = wanted;
        if (!roles.isEmpty()) {
            const QModelIndex changed = index(int(target));
            Q_EMIT dataChanged(changed, changed, roles);
        }
    }
}

} // namespace confab::client
