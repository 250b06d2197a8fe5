#!/usr/bin/env bash
# Recurrent sequence classifiers at the prompt (issue 6): train lstm|gru|rnn task=dna learns to
# find a motif in generated DNA; task=sentiment-en / a labelled file; predict (bars, unknown
# words named, the probability as it reads), test, save/load as a tezgah checkpoint (damage
# named), a diverging run stopped with the last sound model kept, and the bad input around them.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

dna='task=dna n=600 nval=200 minlen=20 maxlen=40 hidden=16 epochs=6 seed=1'
tz -c "train gru $dna; test dna; predict \"GCGTAGCATTATAAAGGCAC\"; predict \"GCGTAGCATTATCAAGGCAC\"; save gru-dna $TMP/d.tzc; load $TMP/d.tzc as back; test model=back; predict back \"GCGTAGCATTATAAAGGCAC\"; models"
status_is "train, test, predict, save and load a DNA classifier: exit 0" 0
match "training reports sequences, parameters and the loss" 'gru-dna trained: 600 sequences, [0-9,]+ parameters; last epoch.s loss [0-9.]+'
acc=$(printf '%s\n' "$out" | sed -n 's/.*held-out accuracy \([0-9.]*\).*/\1/p' | head -n 1)
awk -v a="$acc" 'BEGIN { exit !(a >= 0.9) }' && ok "a GRU learns the motif task (held-out accuracy $acc ≥ 0.9)" || bad "learns DNA" "$out"
match "test dna: fresh sequences, accuracy and per-label table" 'gru-dna on freshly generated sequences \(TATAAA, 20–40 bases\) \(1,000 examples\):'
match "the sequence with the motif is classified as such" '^  motif +[0-9.]+  █'
has "and the truth is told" "TATAAA is really there: at position 10"
has "the sequence without it" "TATAAA is really not there"
has "the probability as it reads" "p(motif) as it reads:"
has "saved as a classifier checkpoint" "gru-dna saved: $TMP/d.tzc (tezgah-clf)"
has "loads back as a classifier" "loaded: gru-clf classifier, dna, 2 classes, 4 bases"
n=$(printf '%s\n' "$out" | grep -c '^  accuracy')
a=$(printf '%s\n' "$out" | grep '^  accuracy' | sort -u | wc -l)
[ "$n" = 2 ] && [ "$a" = 1 ] && ok "the loaded model tests exactly as the trained one" || bad "same accuracy after load" "$out"
p=$(printf '%s\n' "$out" | grep -E '^  motif ' | sed -n '1p;4p' | sort -u | wc -l)
[ "$p" = 1 ] && ok "and predicts the same probability" || bad "same prediction after load" "$out"
match "models lists it" 'gru-dna +gru-clf +dna, 2 classes, 4 bases, [0-9,]+ parameters'

head -c 60 "$TMP/d.tzc" > "$TMP/cut.tzc"
cp "$TMP/d.tzc" "$TMP/flip.tzc"; printf 'X' | dd of="$TMP/flip.tzc" bs=1 seek=300 conv=notrunc 2>/dev/null
tz -c "load $TMP/cut.tzc; load $TMP/flip.tzc"
match "a truncated checkpoint names the byte" "cut.tzc', byte 36: V=4 E=8 H=16 L=1 K=2 need [0-9]+ bytes of tensors"
has "a damaged checkpoint fails its CRC" "CRC mismatch"

# text: our English set, and a labelled file of the user's
tz -c "train lstm task=sentiment-en hidden=16 embed=16 epochs=2; test; predict \"The qwertyuiop was great.\""
match "a sentiment LSTM trains" 'lstm-sentiment-en trained: 544 lines, [0-9,]+ parameters'
match "and reports held-out accuracy on the test part" 'held-out accuracy [0-9.]+ \(loss [0-9.]+; 136 examples: .*en.test.txt\)'
has "test alone uses the held-out part" "(test set: $ROOT/datasets/sentiment/en.test.txt)"
match "and prints accuracy" '^  accuracy.[0-9.]+'
has "unknown words are named" "note: words outside model lstm-sentiment-en's vocabulary are read as <unk> (1): 'qwertyuiop'"
printf '__label__a one two three\n__label__b four five six\n__label__a one two\n__label__b five six\nno label here\n' > "$TMP/tiny.txt"
tz -c "train rnn task=file file=$TMP/tiny.txt hidden=4 embed=4 epochs=3; test $TMP/tiny.txt; test"
match "a labelled file of one's own" 'rnn-tiny trained: 4 lines'
has "lines without a label are counted" "note: 1 lines without a label"
match "test FILE" "rnn-tiny on $TMP/tiny.txt \\(4 examples\\)"
has "test alone needs a file for a file model" "which file? test FILE (rnn-tiny was trained on a file)"

# exploding: plain SGD at an absurd rate and no clipping
tz -c "train rnn $dna optim=sgd lr=1e6 clip=0; models"
match "divergence is stopped at once with the cure named" 'training diverged at step [0-9]: .* Try gradient clipping \(clip=1\) or a lower learning rate \(lr=100000\)'
match "the last sound model is kept" 'the last sound model, after [0-9]+ steps, is kept as rnn-dna'
match "and listed" 'rnn-dna +rnn-clf'
status_is "a diverged training counts as a failure" 1

# --- bad input ---------------------------------------------------------------------------
tz -c "train lstm task=foo; train lstm task=file; train lstm task=dna file=x.txt; train lstm task=dna motif=TA; train lstm task=dna motif=TAXAAA; train lstm task=sentiment-en n=5; train lstm task=dna min_count=2; train lstm task=dna hidden=4096 embed=4096 layers=4 batch=4096 minlen=5000 maxlen=5000 n=100; train lstm task=file file=nothere.txt"
has "an unknown task" "task=foo: must be sentiment-tr, sentiment-en, dna or file (with file=FILE)."
has "task=file needs a file" "task=file needs file=FILE"
has "file= with another task" "file= does not go with task=dna"
has "a motif too short" "motif 'TA': must be 3 to 16 of the letters A/C/G/T."
has "a motif with other letters" "motif 'TAXAAA': must be 3 to 16"
has "DNA options with text" "n= goes with task=dna only."
has "min_count with DNA" "min_count= is for text tasks"
match "a config too big for memory is refused with the estimate" 'needs about [0-9.]+ GB of memory .*half this machine.s memory is [0-9.]+ GB'
has "a missing file" "there is no file 'nothere.txt'"
tz -c "train gru $dna; predict \"ACGXT\"; predict \"\"; test sentiment-en"
has "a letter that is not a base" "byte 4 ('X') is not a base"
has "a DNA model is tested on DNA" "gru-dna is a DNA model: test dna generates fresh sequences"
tz -c "test"
has "test alone without a recurrent classifier" "usage: test FILE"
tz --lang tr -c "train gru $dna; predict \"ACGXT\""
has "the same in Turkish" "4. bayt ('X') bir baz değil"

# a DNA set too big for the machine: refused with the estimate before allocating, the session goes on
tz -c "train lstm task=dna n=10000000 maxlen=10000; datasets"
match "an absurd DNA set is refused with its size" "10000000 sequences × up to 10000 bases need about [0-9.]+ GB of memory; half this machine's memory is [0-9.]+ GB"
has "…and the session goes on" "sentiment-tr"

finish
