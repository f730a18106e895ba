/* leak-canary.c: leaks on purpose
 *
 * SPDX-License-Identifier: MIT
 *
 * Run under valgrind with the project's suppressions by the test
 * "valgrind-catches-leaks", which must fail: proof that the suppressions
 * hide only GLib's own allocations, not a leaked shared object.
 */

#include <sharedpotato.h>

int
main (void)
{
  SpSharedObject *object = sp_shared_object_new (G_TYPE_STRING);

  /* The last pointer to it goes without an unref. */
  object = NULL;
  return object == NULL ? 0 : 1;
}
