/* sharedpotato.h: the only header users include
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#define SHAREDPOTATO_INSIDE
#include "sp-version.h"
#include "sp-version-macros.h"
#include "sp-version-info.h"
#include "sp-types.h"
#include "sp-enum-types.h"
#include "sp-stats.h"
#include "sp-guard.h"
#include "sp-view.h"
#include "sp-getter.h"
#include "sp-setter.h"
#include "sp-deleter.h"
#include "sp-updater.h"
#include "sp-shared-object.h"
#include "sp-dbus-export.h"
#include "sp-shared-object-proxy.h"
#include "sp-queue-producer.h"
#include "sp-queue-consumer.h"
#include "sp-shared-queue.h"
#include "sp-set-item.h"
#include "sp-set-query.h"
#include "sp-set-setter.h"
#include "sp-set-deleter.h"
#include "sp-set-updater.h"
#include "sp-set-scanner.h"
#include "sp-shared-set.h"
#undef SHAREDPOTATO_INSIDE
