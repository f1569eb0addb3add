# Experiment only: all-MiniLM-L6-v2 sentence embeddings in numpy (mean pooled, L2 normalised).
import json, sys, numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer
import os
D = os.environ.get('TACTFUL_CONTEXT_MODEL', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'target', 'models', 'context-model')) + '/'
W = load_file(D + 'model.safetensors')
def g(k):
    for p in ('', 'bert.', 'embeddings.'):
        if p + k in W: return W[p + k].astype(np.float32)
    raise KeyError(k)
tok = Tokenizer.from_file(D + 'tokenizer.json')
tok.enable_truncation(256); tok.no_padding()
def ln(x, w, b, eps=1e-12):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b
from math import erf, sqrt
def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))) if False else 0.5 * x * (1 + erfv(x / np.sqrt(2)))
try:
    from scipy.special import erf as erfv
except ImportError:
    erfv = np.vectorize(erf)
E = dict(word=g('embeddings.word_embeddings.weight'), pos=g('embeddings.position_embeddings.weight'),
         typ=g('embeddings.token_type_embeddings.weight'), lw=g('embeddings.LayerNorm.weight'), lb=g('embeddings.LayerNorm.bias'))
L = []
for i in range(6):
    p = f'encoder.layer.{i}.'
    L.append({k: g(p + k) for k in ['attention.self.query.weight','attention.self.query.bias','attention.self.key.weight','attention.self.key.bias','attention.self.value.weight','attention.self.value.bias','attention.output.dense.weight','attention.output.dense.bias','attention.output.LayerNorm.weight','attention.output.LayerNorm.bias','intermediate.dense.weight','intermediate.dense.bias','output.dense.weight','output.dense.bias','output.LayerNorm.weight','output.LayerNorm.bias']})
def encode(texts):
    encs = tok.encode_batch(texts)
    n = max(len(e.ids) for e in encs)
    ids = np.zeros((len(texts), n), np.int64); mask = np.zeros((len(texts), n), np.float32)
    for i, e in enumerate(encs):
        ids[i, :len(e.ids)] = e.ids; mask[i, :len(e.ids)] = 1
    x = E['word'][ids] + E['pos'][:n][None] + E['typ'][0][None, None]
    x = ln(x, E['lw'], E['lb'])
    B = len(texts); H = 12; dh = 32
    att_mask = (1 - mask)[:, None, None, :] * -1e9
    for l in L:
        q = (x @ l['attention.self.query.weight'].T + l['attention.self.query.bias']).reshape(B, n, H, dh).transpose(0, 2, 1, 3)
        k = (x @ l['attention.self.key.weight'].T + l['attention.self.key.bias']).reshape(B, n, H, dh).transpose(0, 2, 1, 3)
        v = (x @ l['attention.self.value.weight'].T + l['attention.self.value.bias']).reshape(B, n, H, dh).transpose(0, 2, 1, 3)
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh) + att_mask
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        c = (s @ v).transpose(0, 2, 1, 3).reshape(B, n, H * dh)
        x = ln(x + c @ l['attention.output.dense.weight'].T + l['attention.output.dense.bias'], l['attention.output.LayerNorm.weight'], l['attention.output.LayerNorm.bias'])
        h = gelu(x @ l['intermediate.dense.weight'].T + l['intermediate.dense.bias'])
        x = ln(x + h @ l['output.dense.weight'].T + l['output.dense.bias'], l['output.LayerNorm.weight'], l['output.LayerNorm.bias'])
    e = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return e / np.linalg.norm(e, axis=1, keepdims=True)
if __name__ == '__main__':
    texts = sorted({json.loads(l)['text'] for f in sys.argv[2:] for l in open(f)}, key=len)
    print(len(texts), 'texts', file=sys.stderr)
    out = []
    import time; t = time.time()
    for i in range(0, len(texts), 32):
        out.append(encode(texts[i:i + 32]))
        if i % 3200 == 0: print(i, round(time.time() - t, 1), file=sys.stderr)
    np.save(sys.argv[1] + '.npy', np.concatenate(out).astype(np.float32))
    json.dump(texts, open(sys.argv[1] + '.json', 'w'))
