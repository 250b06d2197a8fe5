#!/usr/bin/env bash
# `cell`: a small recurrent cell with weights a student can read, run over typed input
# vectors. The numbers it prints are checked against the chapter's equations computed here,
# independently, with awk (tanh and σ from exp).
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# an Elman RNN with chosen weights: h_1 = tanh(W x_1 + b), h_2 = tanh(W x_2 + U h_1 + b)
tz -c "cell rnn in=2 hidden=2 W=1,0,0.5,-1 U=0.5,0,0.2,0.3 b=0.1,-0.2; cell run 1,0 0.5,2"
status_is "cell rnn and cell run: exit 0" 0
want=$(awk 'function th(x) { return (exp(2*x) - 1) / (exp(2*x) + 1) }
BEGIN {
  a1 = 1*1 + 0*0 + 0.1;  a2 = 0.5*1 - 1*0 - 0.2;  h1 = th(a1); h2 = th(a2)
  b1 = 1*0.5 + 0*2 + 0.5*h1 + 0*h2 + 0.1;  b2 = 0.5*0.5 - 1*2 + 0.2*h1 + 0.3*h2 - 0.2
  printf "%.4f, %.4f|%.4f, %.4f|%.4f, %.4f", h1, h2, b1, b2, th(b1), th(b2) }')
IFS='|' read -r h1 a2 h2 <<< "$want"
has "h_1 = tanh(W x_1 + b), computed by hand" "h_t = tanh(a_t)             = [$h1]"
has "a_2 includes U h_1" "a_t = W x_t + U h_{t-1} + b = [$a2]"
has "h_2 = tanh(a_2)" "h_t = tanh(a_t)             = [$h2]"

# an LSTM with one input and one unit: every gate by hand
tz -c "cell lstm in=1 hidden=1 W=0.5,-0.5,1,0.2 U=0.1,0.2,-0.3,0.4 b=0,1,0,0; cell run 2 -1"
want=$(awk 'function sg(x) { return 1 / (1 + exp(-x)) } function th(x) { return (exp(2*x) - 1) / (exp(2*x) + 1) }
BEGIN {
  x = 2; i = sg(0.5*x); f = sg(-0.5*x + 1); g = th(1*x); o = sg(0.2*x); c = i*g; h = o*th(c)
  x = -1; i2 = sg(0.5*x + 0.1*h); f2 = sg(-0.5*x + 0.2*h + 1); g2 = th(x - 0.3*h); o2 = sg(0.2*x + 0.4*h)
  c2 = f2*c + i2*g2; h2 = o2*th(c2)
  printf "%.4f|%.4f|%.4f|%.4f|%.4f|%.4f|%.4f|%.4f", i, f, c, h, f2, c2, h2, g2 }')
IFS='|' read -r i f c h f2 c2 h2 g2 <<< "$want"
has "LSTM input gate i = σ(W_i x + b_i)" "i = σ(·)     = [$i]"
has "forget gate with its bias of 1" "f = σ(·)     = [$f]"
has "c_1 = i ⊙ g" "c_t = f ⊙ c_{t-1} + i ⊙ g = [$c]"
has "h_1 = o ⊙ tanh(c_1)" "h_t = o ⊙ tanh(c_t)       = [$h]"
has "step 2's forget gate reads h_1" "f = σ(·)     = [$f2]"
has "step 2's candidate" "g = tanh(·)  = [$g2]"
has "c_2 = f ⊙ c_1 + i ⊙ g" "c_t = f ⊙ c_{t-1} + i ⊙ g = [$c2]"
has "h_2" "h_t = o ⊙ tanh(c_t)       = [$h2]"

# a GRU: r gates the recurrent part of n, z mixes old and new
tz -c "cell gru in=1 hidden=1 W=1,-1,0.5 U=0.5,0.5,2 b=0,0,0; cell run 1 1"
want=$(awk 'function sg(x) { return 1 / (1 + exp(-x)) } function th(x) { return (exp(2*x) - 1) / (exp(2*x) + 1) }
BEGIN {
  r = sg(1); z = sg(-1); n = th(0.5); h = (1 - z)*n
  r2 = sg(1 + 0.5*h); z2 = sg(-1 + 0.5*h); n2 = th(0.5 + r2*2*h); h2 = (1 - z2)*n2 + z2*h
  printf "%.4f|%.4f|%.4f", h, n2, h2 }')
IFS='|' read -r h n2 h2 <<< "$want"
has "GRU h_1 = (1 − z) ⊙ n" "h_t = (1 − z) ⊙ n + z ⊙ h_{t-1} = [$h]"
has "GRU n_2 = tanh(W_n x + b_n + r ⊙ U_n h_1)" "n = tanh(·)  = [$n2]"
has "GRU h_2" "h_t = (1 − z) ⊙ n + z ⊙ h_{t-1} = [$h2]"

# weights from a seed are printed with one decimal, and the LSTM's forget bias is 1
tz -c "cell lstm hidden=2 seed=3"
match "the forget-gate rows have b = 1" "^  f1 .* 1\.0$"
match "a seed gives readable weights" "^  i1 +-?[0-9]\.[0-9] +-?[0-9]\.[0-9] "

# bad input
tz -c "cell run 1,0; cell rnn in=2 hidden=2; cell run 1; cell run 1,x; cell run; cell rnn W=1,2; cell foo; cell rnn hidden=99; cell rnn in=0"
has "run before a cell exists" "make a cell first: cell rnn in=2 hidden=3"
has "a vector of the wrong size" "x_1: 2 numbers are needed, 1 were given."
has "not a number" "x_1: 'x' is not a number"
has "no vectors" "cell run takes 1 to 16 input vectors"
has "wrong number of weights (3 × 2 by default)" "W: 6 numbers are needed, 2 were given."
has "an unknown kind" "cell foo: must be rnn, lstm, gru, run or show."
match "hidden too big for reading by hand" "hidden=99: must be between 1 and 8"
match "in=0" "in=0: must be between 1 and 8"
tz --lang tr -c "cell rnn in=1 hidden=1; cell run 1,2"
has "Turkish" "x_1: 1 sayı gerekir, 2 verildi."
has "Turkish header" "Elman RNN hücresi: 1 girdi, 1 gizli birim."

finish
