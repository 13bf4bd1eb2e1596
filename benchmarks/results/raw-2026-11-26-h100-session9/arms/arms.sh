# A/A lockstep blocks of 2 pairs, quick subset, the children's environment varying by block:
# default / MLX_USE_CUDA_GRAPHS=0 / PYTHONHASHSEED=0, in turn, until $BUDGET_S seconds have passed.
set -u
dir=$OUT; mkdir -p $dir
python3 qwen3_model.py synthetic >/dev/null
start=$SECONDS; block=0
while (( SECONDS - start < ${BUDGET_S:-900} )); do
  case $(( block % 3 )) in 0) arm=default; env=() ;; 1) arm=nographs; env=(MLX_USE_CUDA_GRAPHS=0) ;;
                           2) arm=hashseed0; env=(PYTHONHASHSEED=0) ;; esac
  name=b${block}_$arm
  echo "[$(date +%T)] block $name"
  env "${env[@]}" timeout 240 python3 benchmarks/aa_trial_design.py --model synthetic --subset quick --pairs 2 \
      --design lockstep --json $dir/aa_$name.json >$dir/aa_$name.log 2>&1
  echo "$(date +%T) rc=$? $(grep -c 'candidate trial' $dir/aa_$name.log) pairs" | tee -a $dir/blocks.txt
  block=$((block + 1))
done
echo "arms done $(date +%T)"
