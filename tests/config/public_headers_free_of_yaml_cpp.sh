#!/bin/sh
# usage: public_headers_free_of_yaml_cpp.sh CXX INCLUDE_DIR HEADER...
# Fails when a listed header reaches a yaml-cpp header, or when the internal node_reader.hpp
# does not (which would mean this check cannot see anything).
cxx=$1; inc=$2; shift 2
reaches_yaml() { "$cxx" -std=c++20 -M -I"$inc" -include "$1" -x c++ /dev/null | grep -q yaml-cpp/; }
reaches_yaml config/node_reader.hpp || { echo "control failed: node_reader.hpp shows no yaml-cpp"; exit 1; }
status=0
for h in "$@"; do
  if reaches_yaml "$h"; then echo "$h includes yaml-cpp"; status=1; fi
done
[ $status = 0 ] && echo "public headers free of yaml-cpp: $*"
exit $status
