#!/bin/bash -eu
# ClusterFuzzLite runs $SRC/build.sh: the OSS-Fuzz build, shared.
exec "$SRC/crosscheck/scripts/oss-fuzz/build.sh"
