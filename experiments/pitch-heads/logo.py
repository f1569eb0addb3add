# Step 2: real mix + pack examples, holding out one group (rule code or first-reference domain) at a time.
# usage: python3 logo.py HEAD MIX C W GROUPBY [nn] [-v]
#   HEAD: pitch | consent_a (real negatives only + consent pack) | consent_b (all real data as negatives,
#         pitch pack as negatives + consent pack) | union (pitch head, consent flags also positive)
#   W: sample weight of each pack example; GROUPBY: code | dom
import sys, numpy as np, collections
from common import *
head, mix, C, W, gb = sys.argv[1], sys.argv[2].split('+'), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
kind = 'nn' if 'nn' in sys.argv[6:] else 'lr'; verbose = '-v' in sys.argv
real = [r for k in mix for r in REAL[k]]
if head == 'pitch': pack = [dict(x) for x in PITCH]; ev = PITCH
elif head == 'union': pack = [dict(x) for x in PITCH + CONSENT]; ev = PITCH + CONSENT
elif head == 'consent_a': real = [r for r in real if r['y'] == 0]; pack = [dict(x) for x in CONSENT]; ev = CONSENT
elif head == 'consent_b':
    real = [dict(r, y=0) for r in real]; pack = [dict(x) for x in CONSENT] + [dict(x, y=0) for x in PITCH]; ev = CONSENT
groups = sorted({x[gb] for x in ev})
res = collections.defaultdict(lambda: [0, 0]); per = collections.defaultdict(lambda: [0, 0])
for r, t in splits():
    d = [x for x in real if x['f'] not in (r, t)]
    Xr = vec([x['text'] for x in d]); yr = np.array([x['y'] for x in d])
    bc = vec([b['text'] for b in BENIGN if b['f'] == r]); bt = vec([b['text'] for b in BENIGN if b['f'] == t])
    for g in groups:
        p = [x for x in pack if x[gb] != g]
        X = np.concatenate([Xr, vec([x['text'] for x in p])]); y = np.concatenate([yr, [x['y'] for x in p]])
        w = np.concatenate([np.ones(len(d)), np.full(len(p), W)])
        m = (LR(C) if kind == 'lr' else NN()).fit(X, y, w)
        sc_c = np.sort(m.score(bc)); btest = m.score(bt)
        ho = [x for x in ev if x[gb] == g]; sc = m.score(vec([x['text'] for x in ho]))
        for q in (0.01, 0.03):
            h = np.quantile(sc_c, 1 - q, method='higher')
            for x, s in zip(ho, sc):
                for nm in {x['pack'], 'consent' if x['pack'] == 'consent' else 'ALL pitch-like'}:
                    res[(q, nm, x['kind'])][0] += s > h; res[(q, nm, x['kind'])][1] += 1
                if q == 0.01 and x['kind'] == 'flag': per[x['code']][0] += s > h; per[x['code']][1] += 1
            res[(q, 'benign')][0] += int((btest > h).sum()); res[(q, 'benign')][1] += len(btest)
print(f'## leave-one-{gb}-out: head={head} mix={"+".join(mix)} C={C} W={W} model={kind} groups={len(groups)}')
print('| benign FP target | set | held-out flags recall | held-out passes flagged | benign FP (held-out fold, avg over groups) |')
print('|---|---|---|---|---|')
for q in (0.01, 0.03):
    for c in ('ALL pitch-like', 'solicitation', 'pitch', 'spam', 'consent'):
        if (q, c, 'flag') not in res: continue
        nb = len(groups)
        print(f'| {q:.0%} | {c} | {fmt(*res[(q, c, "flag")], rep=5)} | {fmt(*res[(q, c, "pass")], rep=5)} | {fmt(*res[(q, "benign")], rep=nb) if c in ("ALL pitch-like", "consent") else ""} |')
if verbose:
    print('per rule recall @1% (5 splits pooled):', ' '.join(f'{k}:{a}/{b}' for k, (a, b) in sorted(per.items())))
