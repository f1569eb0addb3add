# Step 1: train on real labeled data only; threshold on held-out benign; recall on pack examples.
# usage: python3 heldout.py MIX C [lr|nn]   MIX e.g. janitr+yt+sms
import sys, numpy as np, collections
from common import *
mix = sys.argv[1].split('+'); C = float(sys.argv[2]); kind = 'nn' if 'nn' in sys.argv[3:] else 'lr'
verbose = '-v' in sys.argv
tr = [r for k in mix for r in REAL[k]]
res = collections.defaultdict(lambda: [0, 0]); per = collections.defaultdict(lambda: [0, 0])
for r, t in splits():
    d = [x for x in tr if x['f'] not in (r, t)]
    X = vec([x['text'] for x in d]); y = np.array([x['y'] for x in d])
    m = (LR(C) if kind == 'lr' else NN()).fit(X, y, None)
    th = thresholds(m, r)
    bt = m.score(vec([b['text'] for b in BENIGN if b['f'] == t]))
    for name, S in (('ALL', PITCH), ('consent', CONSENT)):
        sc = m.score(vec([x['text'] for x in S]))
        for q, h in th.items():
            for x, s in zip(S, sc):
                for nm in {name, x['pack']}:
                    res[(q, nm, x['kind'])][0] += s > h; res[(q, nm, x['kind'])][1] += 1
                if q == 0.01 and x['kind'] == 'flag': per[x['code']][0] += s > h; per[x['code']][1] += 1
    for q, h in th.items():
        res[(q, 'benign', 'test')][0] += int((bt > h).sum()); res[(q, 'benign', 'test')][1] += len(bt)
print(f'## held-out source: mix={"+".join(mix)} C={C} model={kind} n_train_per_split~{len(tr)*3//5} (pos {sum(x["y"] for x in tr)*3//5})')
print('| benign FP target | set | flags flagged (recall) | passes flagged | benign FP (held-out fold) |')
print('|---|---|---|---|---|')
for q in (0.01, 0.03):
    g = lambda a, b: fmt(*res[(q, a, b)], rep=1 if a == 'benign' else 5)
    for nm in ('ALL', 'solicitation', 'pitch', 'spam', 'consent'):
        print(f'| {q:.0%} | {nm if nm != "ALL" else "ALL pitch-like (SOL+PIT+SPM)"} | {g(nm,"flag")} | {g(nm,"pass")} | {g("benign","test") if nm == "ALL" else ""} |')
if verbose:
    print('per rule recall @1% (5 splits pooled):', ' '.join(f'{k}:{a}/{b}' for k, (a, b) in sorted(per.items())))
