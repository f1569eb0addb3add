#!/bin/sh
# reproduces out/l_*.md (step 2 tables)
cd "$(dirname "$0")"
mkdir -p out
M=janitr+yt+fbads
r() { n=$1; shift; nice -n 10 python3 logo.py "$@" > out/l_$n.md; }
r pitch_C1_W10_code pitch $M 1 10 code -v
r pitch_C1_W10_dom pitch $M 1 10 dom -v
r pitch_C1_W30_code pitch $M 1 30 code
r pitch_C10_W10_code pitch $M 10 10 code
r pitch_C1_W10_code_nn pitch $M 1 10 code nn
r consent_a_C1_W10_code consent_a $M 1 10 code -v
r consent_b_C1_W10_code consent_b $M 1 10 code -v
r consent_b_C1_W30_code consent_b $M 1 30 code -v
r union_C1_W10_code union $M 1 10 code -v
r consent_a_C1_W10_code_nn consent_a $M 1 10 code nn
r pitch_smsham_C1_W10_code pitch janitr+yt+fbads+smsham 1 10 code -v
r consent_a_smsham_C1_W10_code consent_a janitr+yt+fbads+smsham 1 10 code -v
