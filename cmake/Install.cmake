# SPDX-License-Identifier: GPL-2.0-only
# Everything `cmake --install` puts next to ctwatch.so (which plugin/
# installs to ${CTWATCH_PLUGIN_DIR}). Debian's package (packaging/debian) is
# built from exactly this, so both give one layout; for prefix /usr:
#
#   /usr/lib/collectd/ctwatch.so                     (CTWATCH_PLUGIN_DIR, plugin/)
#   /etc/collectd/collectd.conf.d/ctwatch.conf       (CTWATCH_CONF_DIR)
#   /usr/share/ctwatch/load-plugin.conf              (LoadPlugin, included by ctwatch.conf)
#   /usr/share/ctwatch/prometheus/*.yml              (rules/prometheus/*.yml)
#   /usr/share/ctwatch/kubernetes/*.yaml             (rules/prometheus/*.prometheusrule.yaml,
#                                                     the rules as a PrometheusRule)
#   /usr/share/ctwatch/alertmanager/*.yml            (rules/alertmanager/*.yml, an example routing)
#   /usr/share/ctwatch/grafana/*.json                (dashboards/*.json)
#   /usr/share/ctwatch/collectd/*.conf               (rules/collectd/*.conf)
#   /usr/share/doc/collectd-ctwatch/README.md        (CTWATCH_DOC_DIR)
#   /usr/share/doc/collectd-ctwatch/runbooks/*.md    (docs/runbooks/*.md)
#
# Rules, dashboards and runbooks are globbed when installing, not when
# configuring: a missing directory installs nothing and a new file is picked
# up without re-running cmake. Relative directories are under the install
# prefix as given to `cmake --install --prefix` (or CMAKE_INSTALL_PREFIX);
# DESTDIR is honoured and every file lands in install_manifest.txt.
#
# The conf snippet's directory: by default ${CMAKE_INSTALL_SYSCONFDIR}/collectd/
# collectd.conf.d, where SYSCONFDIR "etc" means /etc for prefix /usr (as in
# GNUInstallDirs) and <prefix>/etc otherwise. collectd only reads it if its
# collectd.conf includes it (Debian's does; elsewhere, e.g. /etc/collectd.d
# on Fedora/RHEL, set -DCTWATCH_CONF_DIR=/etc/collectd.d).
include_guard(GLOBAL)
include(GNUInstallDirs)

set(CTWATCH_CONF_DIR "" CACHE STRING
    "Directory for ctwatch.conf (empty: <sysconfdir>/collectd/collectd.conf.d)")
set(CTWATCH_DATA_DIR "${CMAKE_INSTALL_DATADIR}/ctwatch" CACHE STRING
    "Directory for the Prometheus rules, Grafana dashboards and collectd snippets")
set(CTWATCH_DOC_DIR "${CMAKE_INSTALL_DATADIR}/doc/collectd-ctwatch" CACHE STRING
    "Directory for README.md and the runbooks")

if(CTWATCH_CONF_DIR)
  set(_ctwatch_conf_dir "${CTWATCH_CONF_DIR}")
else()
  set(_ctwatch_conf_dir "${CMAKE_INSTALL_SYSCONFDIR}/collectd/collectd.conf.d")
endif()
set(_ctwatch_src "${PROJECT_SOURCE_DIR}")
set(_ctwatch_gen "${PROJECT_BINARY_DIR}/ctwatch-install")

# Run by `cmake --install`, after @VAR@ substitution below.
set(_ctwatch_install_code [=[
# ctwatch (cmake/Install.cmake): a relative directory is under the install
# prefix, except etc under prefix /usr, which is /etc (as in GNUInstallDirs).
function(_ctwatch_dest out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr" AND dir MATCHES "^etc(/|$)")
    set(${out} "/${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
set(_ctwatch_rw OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# Installs the files matching pattern (not recursive; none is fine) into dir.
function(_ctwatch_install_glob pattern dir)
  file(GLOB _files LIST_DIRECTORIES false "${pattern}")
  if(_files)
    list(SORT _files)
    _ctwatch_dest(_to "${dir}")
    file(INSTALL DESTINATION "${_to}" TYPE FILE PERMISSIONS ${_ctwatch_rw} FILES ${_files})
  endif()
endfunction()

_ctwatch_dest(_ctwatch_data "@CTWATCH_DATA_DIR@")
_ctwatch_dest(_ctwatch_doc "@CTWATCH_DOC_DIR@")
_ctwatch_dest(_ctwatch_conf "@_ctwatch_conf_dir@")

# ctwatch.conf names the /usr/share paths of the Debian package: point them
# at this installation.
file(READ "@_ctwatch_src@/packaging/ctwatch.conf" _ctwatch_text)
string(REPLACE "/usr/share/ctwatch/" "${_ctwatch_data}/" _ctwatch_text "${_ctwatch_text}")
string(REPLACE "/usr/share/doc/collectd-ctwatch/" "${_ctwatch_doc}/" _ctwatch_text "${_ctwatch_text}")
file(WRITE "@_ctwatch_gen@/ctwatch.conf" "${_ctwatch_text}")
file(INSTALL DESTINATION "${_ctwatch_conf}" TYPE FILE PERMISSIONS ${_ctwatch_rw}
     FILES "@_ctwatch_gen@/ctwatch.conf")

file(INSTALL DESTINATION "${_ctwatch_data}" TYPE FILE PERMISSIONS ${_ctwatch_rw}
     FILES "@_ctwatch_src@/packaging/load-plugin.conf")
_ctwatch_install_glob("@_ctwatch_src@/rules/prometheus/*.yml" "@CTWATCH_DATA_DIR@/prometheus")
_ctwatch_install_glob("@_ctwatch_src@/rules/prometheus/*.prometheusrule.yaml" "@CTWATCH_DATA_DIR@/kubernetes")
_ctwatch_install_glob("@_ctwatch_src@/rules/alertmanager/*.yml" "@CTWATCH_DATA_DIR@/alertmanager")
_ctwatch_install_glob("@_ctwatch_src@/dashboards/*.json" "@CTWATCH_DATA_DIR@/grafana")
_ctwatch_install_glob("@_ctwatch_src@/rules/collectd/*.conf" "@CTWATCH_DATA_DIR@/collectd")
_ctwatch_install_glob("@_ctwatch_src@/README.md" "@CTWATCH_DOC_DIR@")
_ctwatch_install_glob("@_ctwatch_src@/docs/runbooks/*.md" "@CTWATCH_DOC_DIR@/runbooks")
]=])
string(CONFIGURE "${_ctwatch_install_code}" _ctwatch_install_code @ONLY)
install(CODE "${_ctwatch_install_code}")
