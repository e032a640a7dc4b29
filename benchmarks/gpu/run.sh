#!/usr/bin/env bash
# The scoring benchmark with ONNX Runtime's CUDA execution provider, on a GPU node.
#
# Builds with -Pcuda (the onnxruntime_gpu artifact, CUDA 12; 642 MB from Maven Central), runs
# dev.aifactory.benchmarks.ScoringBenchmark with --provider cuda, and writes
# benchmarks/results/scoring-cuda.json and scoring-cuda.png beside the CPU results. Fails if
# ONNX Runtime fell back to CPU: the JSON's "provider" is the provider that actually ran.
#
#   benchmarks/gpu/run.sh                  # 2,000,000 rows
#   ROWS=500000 RATE=20000 benchmarks/gpu/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L; then
  echo "no NVIDIA GPU visible (nvidia-smi -L failed): this script is for a GPU node" >&2
  exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv

mvn -B -q -DskipTests -Pcuda install -pl benchmarks -am
mvn -B -DskipTests -Pcuda,bench -pl benchmarks package \
  -Dbench.main=dev.aifactory.benchmarks.ScoringBenchmark \
  -Dbench.args="--provider cuda --name scoring-cuda --rows ${ROWS:-2000000} --rate ${RATE:-20000}"

result=benchmarks/results/scoring-cuda.json
if ! grep -q '"provider" : "CUDA"' "$result"; then
  echo "ONNX Runtime did not run on CUDA (see the fallback line in the log); $result is a CPU result" >&2
  exit 1
fi
echo "wrote $result"
