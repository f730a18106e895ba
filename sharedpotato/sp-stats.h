/* sp-stats.h: counters of a shared object
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <glib-object.h>

#include "sp-version-macros.h"

G_BEGIN_DECLS

#define SP_TYPE_STATS (sp_stats_get_type ())

typedef struct _SpStats SpStats;

/**
 * SpStats:
 * @reads_granted: shared grants: gets, peeks, shared locks, try_get and
 *   shared try_lock successes
 * @writes_granted: exclusive grants: sets, clears, exclusive locks,
 *   exclusive try_lock successes and initializer runs
 * @waited_grants: grants that were not immediate (the call had to queue)
 * @timeouts: calls that timed out, close calls included
 * @cancellations: calls that were cancelled, before or while they waited,
 *   close calls included
 * @current_readers: shared holders now
 * @current_writer: whether an exclusive holder exists now
 * @queue_length: calls waiting now, for the lock or for a value
 * @peak_queue_length: the most calls ever waiting at once
 * @total_wait_us: microseconds spent waiting, summed over waited grants
 * @peak_wait_us: the longest wait of a grant, in microseconds
 * @total_hold_us: microseconds guards were held, summed over releases of
 *   the locks taken while
 *   [property@Sharedpotato.SharedObject:measure-hold-times] was on (from
 *   the first get_stats, by default)
 * @peak_hold_us: the longest such a guard was held, in microseconds
 *
 * A snapshot of the counters of a [class@Sharedpotato.SharedObject],
 * returned by [method@Sharedpotato.SharedObject.get_stats]. All the
 * numbers of one snapshot were taken at the same instant.
 *
 * Since: 1.0
 */
struct _SpStats
{
  guint64  reads_granted;
  guint64  writes_granted;
  guint64  waited_grants;
  guint64  timeouts;
  guint64  cancellations;
  guint    current_readers;
  gboolean current_writer;
  guint    queue_length;
  guint    peak_queue_length;
  guint64  total_wait_us;
  guint64  peak_wait_us;
  guint64  total_hold_us;
  guint64  peak_hold_us;
};

SP_AVAILABLE_IN_ALL
GType sp_stats_get_type (void) G_GNUC_CONST;
SP_AVAILABLE_IN_ALL
SpStats *sp_stats_copy (const SpStats *stats);
SP_AVAILABLE_IN_ALL
void sp_stats_free (SpStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpStats, sp_stats_free)

G_END_DECLS
