/* sp-stats.c
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-stats.h"

G_DEFINE_BOXED_TYPE (SpStats, sp_stats, sp_stats_copy, sp_stats_free)

/**
 * sp_stats_copy:
 * @stats: a #SpStats
 *
 * Copies a snapshot.
 *
 * Returns: (transfer full): a copy of @stats
 *
 * Since: 1.0
 */
SpStats *
sp_stats_copy (const SpStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);

  return g_memdup2 (stats, sizeof *stats);
}

/**
 * sp_stats_free:
 * @stats: a #SpStats
 *
 * Frees a snapshot.
 *
 * Since: 1.0
 */
void
sp_stats_free (SpStats *stats)
{
  g_free (stats);
}
