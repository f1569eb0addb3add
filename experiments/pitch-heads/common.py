import json, hashlib, numpy as np, math
import os
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, '..', '..')
from sklearn.linear_model import LogisticRegression
D = os.path.join(HERE, 'data') + '/'
def load_emb():
    T, E = [], []
    for p in (D + 'emb',):
        T += json.load(open(p + '.json')); E.append(np.load(p + '.npy'))
    E = np.concatenate(E); ix = {t: i for i, t in enumerate(T)}
    return E, ix
E, IX = load_emb()
def rows(name): return [json.loads(l) for l in open(D + name + '.jsonl')]
def fold(t): return int(hashlib.md5(t.encode()).hexdigest(), 16) % 5
def vec(ts): return E[[IX[t] for t in ts]]
BENIGN = [json.loads(l) for l in open(os.path.join(REPO, 'target/eval/benign.jsonl'))]
for b in BENIGN: b['f'] = fold(b['text'])
BENIGN = [b for b in BENIGN if b['text'] in IX]
PACK = rows('pack')
PITCH = [r for r in PACK if r['pack'] in ('solicitation', 'pitch', 'spam')]
CONSENT = [r for r in PACK if r['pack'] == 'consent']
REAL = {k: [r for r in rows(k) if r['y'] is not None] for k in ('janitr', 'sms', 'yt', 'fbads')}
REAL['smsham'] = [r for r in REAL['sms'] if r['y'] == 0]
for k in REAL:
    for r in REAL[k]: r['f'] = fold(r['text'])
def wilson(k, n, z=1.96):
    if n == 0: return (float('nan'),) * 2
    p = k / n; d = 1 + z * z / n; c = p + z * z / (2 * n); h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - h) / d, (c + h) / d)
def fmt(k, n, rep=1):
    # k/n pooled over `rep` repetitions of the same texts: Wilson interval on the real count n/rep
    p = k / max(n, 1); nu = n / rep; lo, hi = wilson(p * nu, nu)
    return f'{p:.2f} [{lo:.2f},{hi:.2f}] n={nu:.0f}'
class LR:
    def __init__(s, C): s.C = C
    def fit(s, X, y, w):
        s.m = LogisticRegression(C=s.C, class_weight='balanced', max_iter=2000).fit(X, y, sample_weight=w); return s
    def score(s, X): return s.m.decision_function(X)
class NN:
    def fit(s, X, y, w): s.P = X[y == 1]; s.N = X[y == 0]; return s
    def score(s, X): return (X @ s.P.T).max(1) - (X @ s.N.T).max(1)
def splits():
    # r: model trained on folds not in {r, r+1}; threshold on benign fold r; FP measured on benign fold r+1
    for r in range(5): yield r, (r + 1) % 5
def thresholds(model, c):
    s = np.sort(model.score(vec([b['text'] for b in BENIGN if b['f'] == c])))
    return {q: np.quantile(s, 1 - q, method='higher') for q in (0.01, 0.03)}
