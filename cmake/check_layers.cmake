# The layer rules of the tree (docs/architecture.md, "Layers"), checked on
# every build before the libraries compile: a file may include headers of
# its own folder and of folders on lower layers only, and every quoted
# include is spelled from the top of the tree ("harness/run/cell.h"), or from
# include/ for the public API ("edgebench/graph.h"). Run as
#   cmake -DROOT=<source tree> [-DSTAMP=<file to touch when clean>] -P check_layers.cmake
# It prints every offending line (FILE:LINE: why) and fails when there is one.
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
  message(FATAL_ERROR "check_layers: pass -DROOT=<source tree>")
endif()

# folder (from the top) -> layer; a file belongs to the longest folder that
# prefixes its path. Lower numbers are lower layers; docs/architecture.md
# ("Layers") says what each holds.
set(EB_LAYERS
  include 0
  common 1              sdk 1
  harness/conditions 2
  harness/model 3       harness/stats 3        harness/transforms 3  harness/accuracy 3
  harness/scenario 3    harness/thermal 3      devices 3             backends/ref 3
  harness/inputs 4      results 4              backends/simd 4       backends/delegate 4
  harness/backend 5     backends/xnnpack 5     backends/onednn 5     backends/onnxruntime 5
  backends/armnn 5
  harness/run 6         harness/conformance 6
  harness/farm 7        reports 7
  harness/cli 8
  harness 9)
# Narrow interfaces: a folder that may include only some headers of a lower
# folder, as "FROM:HEADER" (HEADER from the top of the tree). simd plans
# through ref's planning hook (ref_plan_hooks.h, ref_plan.h's API) and shares
# the int8 kernel parameters (ref_q8.h), ref's supports() (ref_backend.h) and
# its constant folding (ref_fold.h);
# ref's plan structure, arena and kernel helpers stay ref's
# (docs/architecture.md, "The parts").
set(EB_NARROW
  backends/simd:backends/ref/ref_plan.h backends/simd:backends/ref/ref_plan_hooks.h
  backends/simd:backends/ref/ref_q8.h   backends/simd:backends/ref/ref_backend.h
  backends/simd:backends/ref/ref_fold.h)
set(EB_NARROW_PAIRS backends/simd:backends/ref)
# Headers the build generates (not in the tree): allowed everywhere they
# are spelled like this.
set(EB_GENERATED_HEADERS onnx.pb-c.h)

set(folders "")
set(layers "")
list(LENGTH EB_LAYERS n)
math(EXPR last "${n} - 1")
foreach(i RANGE 0 ${last} 2)
  math(EXPR j "${i} + 1")
  list(GET EB_LAYERS ${i} f)
  list(GET EB_LAYERS ${j} l)
  list(APPEND folders "${f}")
  list(APPEND layers "${l}")
endforeach()

# The folder of a tree-relative path and its layer ("" / -1: outside the table).
function(eb_folder_of path out_folder out_layer)
  set(best "")
  set(best_layer -1)
  set(best_len -1)
  list(LENGTH folders nf)
  math(EXPR lastf "${nf} - 1")
  foreach(k RANGE 0 ${lastf})
    list(GET folders ${k} f)
    string(LENGTH "${f}/" fl)
    string(SUBSTRING "${path}/" 0 ${fl} head)
    if(head STREQUAL "${f}/" AND fl GREATER best_len)
      set(best "${f}")
      list(GET layers ${k} best_layer)
      set(best_len ${fl})
    endif()
  endforeach()
  set(${out_folder} "${best}" PARENT_SCOPE)
  set(${out_layer} "${best_layer}" PARENT_SCOPE)
endfunction()

set(checked "")
foreach(f IN LISTS folders)
  file(GLOB_RECURSE found RELATIVE "${ROOT}" "${ROOT}/${f}/*.c" "${ROOT}/${f}/*.h" "${ROOT}/${f}/*.inc")
  list(APPEND checked ${found})
endforeach()
list(REMOVE_DUPLICATES checked)
list(SORT checked)

set(problems 0)
foreach(src IN LISTS checked)
  eb_folder_of("${src}" src_folder src_layer)
  file(STRINGS "${ROOT}/${src}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  if(NOT lines)
    continue()
  endif()
  # line numbers: the index of each include line in the whole file
  file(STRINGS "${ROOT}/${src}" all)
  set(lineno 0)
  foreach(line IN LISTS all)
    math(EXPR lineno "${lineno} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      continue()
    endif()
    set(name "${CMAKE_MATCH_1}")
    if(name IN_LIST EB_GENERATED_HEADERS)
      continue()
    endif()
    if(EXISTS "${ROOT}/include/${name}" AND NOT IS_DIRECTORY "${ROOT}/include/${name}")
      set(target "include/${name}")
    elseif(EXISTS "${ROOT}/${name}" AND NOT IS_DIRECTORY "${ROOT}/${name}" AND NOT name MATCHES "^include/")
      set(target "${name}")
    else()
      message("${src}:${lineno}: \"${name}\" is not spelled from the top of the tree "
              "(write the path from the source root, or from include/ for edgebench/*.h)")
      math(EXPR problems "${problems} + 1")
      continue()
    endif()
    eb_folder_of("${target}" dst_folder dst_layer)
    if(dst_folder STREQUAL src_folder)
      continue()
    endif()
    if(dst_layer LESS 0 OR NOT dst_layer LESS src_layer)
      message("${src}:${lineno}: includes \"${name}\": ${src_folder} (layer ${src_layer}) may "
              "include only its own folder and lower layers, and ${dst_folder} is layer ${dst_layer} "
              "(docs/architecture.md, \"Layers\")")
      math(EXPR problems "${problems} + 1")
    elseif("${src_folder}:${dst_folder}" IN_LIST EB_NARROW_PAIRS
           AND NOT "${src_folder}:${target}" IN_LIST EB_NARROW)
      message("${src}:${lineno}: includes \"${name}\": ${src_folder} may include only the "
              "interface headers of ${dst_folder} listed in EB_NARROW (cmake/check_layers.cmake)")
      math(EXPR problems "${problems} + 1")
    endif()
  endforeach()
endforeach()

list(LENGTH checked nchecked)
if(problems GREATER 0)
  message(FATAL_ERROR "check_layers: ${problems} include(s) break the layer rules in ${nchecked} files")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
