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
#   /usr/share/ctwatch/mixin/                        (mixin/: the jsonnet sources, render.sh)
#   /usr/share/doc/collectd-ctwatch/README.md        (CTWATCH_DOC_DIR)
#   /usr/share/doc/collectd-ctwatch/*.md             (docs/*.md)
#   /usr/share/doc/collectd-ctwatch/packaging.md     (packaging/README.md)
#   /usr/share/doc/collectd-ctwatch/runbooks/*.md    (docs/runbooks/*.md)
#   /usr/share/doc/collectd-ctwatch/examples/kubernetes/ (deploy/kubernetes/)
#   /usr/share/man/man5/collectd-ctwatch.5           (docs/collectd-ctwatch.5)
#
# The Markdown files link to each other by relative paths of the source
# tree; installed, the docs/ level is flattened into the doc directory, so
# every relative link is rewritten to where its target is installed
# (_ctwatch_install_md). A link to a file that is not installed stays as it
# is, and tests/packaging (doc_links.py) fails on it.
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
    "Directory for README.md, the documentation and the runbooks")

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
_ctwatch_install_glob("@_ctwatch_src@/deploy/kubernetes/*" "@CTWATCH_DOC_DIR@/examples/kubernetes")
# The mixin, as its directory tree: the jsonnet sources, README.md, render.sh.
file(GLOB_RECURSE _ctwatch_mixin RELATIVE "@_ctwatch_src@/mixin"
     "@_ctwatch_src@/mixin/*.libsonnet" "@_ctwatch_src@/mixin/*.jsonnet"
     "@_ctwatch_src@/mixin/*.txt" "@_ctwatch_src@/mixin/*.md" "@_ctwatch_src@/mixin/*.sh")
list(SORT _ctwatch_mixin)
foreach(_f IN LISTS _ctwatch_mixin)
  get_filename_component(_d "${_f}" DIRECTORY)
  set(_perm ${_ctwatch_rw})
  if(_f MATCHES "\\.sh$")
    list(APPEND _perm OWNER_EXECUTE GROUP_EXECUTE WORLD_EXECUTE)
  endif()
  file(INSTALL DESTINATION "${_ctwatch_data}/mixin/${_d}" TYPE FILE PERMISSIONS ${_perm}
       FILES "@_ctwatch_src@/mixin/${_f}")
endforeach()

# Where a file of the source tree (a path relative to it) is installed, as an
# absolute path; "" when it is not installed.
function(_ctwatch_installed_path out rel)
  set(_r "")
  if(rel STREQUAL "README.md")
    set(_r "${_ctwatch_doc}/README.md")
  elseif(rel STREQUAL "packaging/README.md")
    set(_r "${_ctwatch_doc}/packaging.md")
  elseif(rel MATCHES "^docs/runbooks/(.*)$")
    set(_r "${_ctwatch_doc}/runbooks/${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^docs/([^/]+\\.md)$")
    set(_r "${_ctwatch_doc}/${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^docs/?$")
    set(_r "${_ctwatch_doc}/")
  elseif(rel MATCHES "^deploy/kubernetes/?(.*)$")
    set(_r "${_ctwatch_doc}/examples/kubernetes/${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^mixin/?(.*)$")
    set(_r "${_ctwatch_data}/mixin/${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^rules/prometheus/([^/]+\\.prometheusrule\\.yaml)$")
    set(_r "${_ctwatch_data}/kubernetes/${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^rules/prometheus/([^/]+\\.yml)$")
    set(_r "${_ctwatch_data}/prometheus/${CMAKE_MATCH_1}")
  elseif(rel MATCHES "^rules/(alertmanager|collectd)/([^/]+)$")
    set(_r "${_ctwatch_data}/${CMAKE_MATCH_1}/${CMAKE_MATCH_2}")
  elseif(rel MATCHES "^dashboards/([^/]+\\.json)$")
    set(_r "${_ctwatch_data}/grafana/${CMAKE_MATCH_1}")
  endif()
  set(${out} "${_r}" PARENT_SCOPE)
endfunction()

# Installs the Markdown file src_rel (relative to the source tree) as
# dest (absolute, after _ctwatch_dest), its relative links rewritten.
function(_ctwatch_install_md src_rel dest)
  file(READ "@_ctwatch_src@/${src_rel}" _text)
  get_filename_component(_src_dir "${src_rel}" DIRECTORY)
  get_filename_component(_dest_dir "${dest}" DIRECTORY)
  # "](target" matches, their "](" dropped: a "]" would break the list.
  string(REGEX MATCHALL "\\]\\([^)#:; ]+" _links "${_text}")
  string(REPLACE "](" "" _links "${_links}")
  list(REMOVE_DUPLICATES _links)
  foreach(_target IN LISTS _links)
    if(_src_dir)
      set(_rel "${_src_dir}/${_target}")
    else()
      set(_rel "${_target}")
    endif()
    cmake_path(NORMAL_PATH _rel)
    _ctwatch_installed_path(_to "${_rel}")
    if(_to)
      file(RELATIVE_PATH _new "${_dest_dir}" "${_to}")
      if(_to MATCHES "/$" AND NOT _new MATCHES "/$")
        string(APPEND _new "/")
      endif()
      string(REPLACE "](${_target})" "](${_new})" _text "${_text}")
      string(REPLACE "](${_target}#" "](${_new}#" _text "${_text}")
    endif()
  endforeach()
  get_filename_component(_name "${dest}" NAME)
  file(WRITE "@_ctwatch_gen@/md/${_name}" "${_text}")
  file(INSTALL "@_ctwatch_gen@/md/${_name}" DESTINATION "${_dest_dir}" PERMISSIONS ${_ctwatch_rw})
endfunction()

_ctwatch_install_md("README.md" "${_ctwatch_doc}/README.md")
_ctwatch_install_md("packaging/README.md" "${_ctwatch_doc}/packaging.md")
file(GLOB _ctwatch_docs RELATIVE "@_ctwatch_src@" "@_ctwatch_src@/docs/*.md" "@_ctwatch_src@/docs/runbooks/*.md")
list(SORT _ctwatch_docs)
foreach(_f IN LISTS _ctwatch_docs)
  _ctwatch_installed_path(_to "${_f}")
  _ctwatch_install_md("${_f}" "${_to}")
endforeach()
]=])
string(CONFIGURE "${_ctwatch_install_code}" _ctwatch_install_code @ONLY)
install(CODE "${_ctwatch_install_code}")
# The plugin's configuration, collectd's convention: a section-5 page.
install(FILES "${PROJECT_SOURCE_DIR}/docs/collectd-ctwatch.5" DESTINATION "${CMAKE_INSTALL_MANDIR}/man5")
