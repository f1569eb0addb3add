#!/bin/sh
# reproduces out/h_*.md (step 1 tables)
cd "$(dirname "$0")"
mkdir -p out
for mix in janitr janitr+yt janitr+yt+sms janitr+yt+sms+fbads yt+sms janitr+yt+fbads; do nice -n 10 python3 heldout.py $mix 1 -v > out/h_${mix}_C1.md; done
for C in 0.1 10; do nice -n 10 python3 heldout.py janitr+yt+fbads $C > out/h_janitr+yt+fbads_C$C.md; done
nice -n 10 python3 heldout.py janitr+yt+sms+fbads 1 nn > out/h_janitr+yt+sms+fbads_nn.md
nice -n 10 python3 heldout.py janitr+yt+fbads 1 nn > out/h_janitr+yt+fbads_nn.md
M=janitr+yt+fbads+smsham
nice -n 10 python3 heldout.py $M 1 -v > out/h_${M}_C1.md
