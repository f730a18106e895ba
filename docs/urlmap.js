// SPDX-License-Identifier: MIT
//
// Where the reference's links into other namespaces go. gi-docgen writes
// such a link as href="javascript:void(0)" with data-namespace and
// data-link attributes; its main.js looks the namespace up here when the
// page loads. tests/docs/check-reference.py checks that every namespace
// the pages link to is listed.
var baseURLs = [
    ['GLib', 'https://docs.gtk.org/glib/'],
    ['GModule', 'https://docs.gtk.org/gmodule/'],
    ['GObject', 'https://docs.gtk.org/gobject/'],
    ['Gio', 'https://docs.gtk.org/gio/'],
];
