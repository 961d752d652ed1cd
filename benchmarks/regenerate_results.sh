#!/usr/bin/env bash
# Regenerate every committed result in benchmarks/results/ (JSON + PNG), one eval-reuse run per file, in
# sequence (≈ 22–35 min on the 2-core machine; run it alone: the latency columns share the machine with
# whatever else runs). Then rebuild the tables:
#   .venv/bin/python -m benchmarks.reuse_report benchmarks/results/*.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data="${AGENT_REUSE_DATA:-$root/../shared/datasets}"
out="benchmarks/results"
methods="agentreuse,oneintent,withargs,gptcache,meancache,agentreuse-bounded,ha-local"
thresholds="0.75,0.8,0.85,0.9,0.95,auto"

run() {  # NAME DATA FORMAT PROTOCOL THRESHOLDS [extra args...]
    local name="$1" file="$2" format="$3" protocol="$4" gammas="$5"
    shift 5
    echo "== $name" >&2
    scripts/eval-reuse --data "$file" --format "$format" --protocol "$protocol" --threshold "$gammas" \
        --methods "$methods" --json "$out/$name.json" --plot "$out/$name.png" "$@"
}

smp2019="$data/smp2019_ecdt_task1/train.json"
smp2020="$data/smp2020_ecdt_task1_fewjoint/train.json"
ha="$data/home_assistant_intents/tests_flat.jsonl"
snips="$data/snips_nlu_benchmark_2017_06/snips.jsonl"
slurp="$data/slurp_text/devel.jsonl"

for protocol in pair signature; do
    run "smp2019_dev_$protocol" "$smp2019" smp2019 "$protocol" "$thresholds" --split dev
    run "smp2019_all_$protocol" "$smp2019" smp2019 "$protocol" "$thresholds" --split all
    run "ha-tests_dev_$protocol" "$ha" ha-tests "$protocol" "$thresholds" --split dev
    run "ha-tests_all_$protocol" "$ha" ha-tests "$protocol" "$thresholds" --split all
    run "slurp_iot_$protocol" "$slurp" slurp "$protocol" "0.3,0.5,$thresholds" --scenario iot
done
run smp2020_dev_pair "$smp2020" smp2020 pair "$thresholds" --split dev
run smp2020_all_pair "$smp2020" smp2020 pair "$thresholds" --split all
run smp2020_first3000_pair "$smp2020" smp2020 pair "$thresholds" --split all --limit 3000
run snips_dev_pair "$snips" snips pair "$thresholds" --split dev
