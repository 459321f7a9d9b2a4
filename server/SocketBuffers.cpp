#include "server/SocketBuffers.h"

#include <QAbstractSocket>

#ifdef CONFAB_HAVE_QT_PRIVATE
#include <QtCore/private/qiodevice_p.h>
#endif

namespace confab {

bool releaseIdleSocketBuffers(QAbstractSocket *socket)
{
#ifdef CONFAB_HAVE_QT_PRIVATE
    // A ring buffer keeps an emptied chunk only while it is no larger than the buffer's chunk
    // size; with a chunk size of one byte every emptied chunk is released. Reads and writes
    // then allocate exactly what they carry.
    constexpr int kKeepNothing = 1;
    auto *d = static_cast<QIODevicePrivate *>(QObjectPrivate::get(socket));
    if (d->readChannelCount > 0)
        d->buffer.setChunkSize(kKeepNothing);
    if (d->writeChannelCount > 0)
        d->writeBuffer.setChunkSize(kKeepNothing);
    return true;
#else
    Q_UNUSED(socket);
    return false;
#endif
}

} // namespace confab
